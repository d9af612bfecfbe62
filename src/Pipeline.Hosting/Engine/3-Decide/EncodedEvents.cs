using System;
using System.Buffers;
using Pipeline.Application;

namespace Pipeline.Hosting.Engine;

/// <summary>A command's events as the event log will store them: stream ids and payloads encoded, checked, with their types.</summary>
/// <remarks>
/// Written by the application stage, read by the event-store stage after it (the ring's barrier orders the two).
/// Reused from command to command: once the buffers have grown to the largest command, encoding allocates nothing.
/// </remarks>
internal sealed class EncodedEvents
{
    private const int MaxStreamBytes = 255;
    private readonly ArrayBufferWriter<byte> _bytes = new(1024);
    private Slot[] _slots = new Slot[4];

    public int Count { get; private set; }

    public EventType Type(int index) => _slots[index].Type;

    public ReadOnlySpan<byte> Stream(int index) => _bytes.WrittenSpan.Slice(_slots[index].StreamStart, _slots[index].StreamLength);

    public ReadOnlySpan<byte> Payload(int index) => _bytes.WrittenSpan.Slice(_slots[index].PayloadStart, _slots[index].PayloadLength);

    public void Clear()
    {
        _bytes.ResetWrittenCount();
        Count = 0;
    }

    /// <summary>Encodes one more event; returns why it cannot be stored (then the command must fail), or null.</summary>
    public string? Add<TApp, TState, TCommand, TEvent>(TApp app, in TEvent @event, EventHeader header, int maxPayloadBytes)
        where TApp : IApplication<TState, TCommand, TEvent>
        where TState : class, Journal.Snapshots.ISnapshotable
    {
        if (Count == _slots.Length)
        {
            Array.Resize(ref _slots, _slots.Length * 2);
        }

        string stream = header.Stream;
        int streamStart = _bytes.WrittenCount;
        int streamLength = string.IsNullOrEmpty(stream) ? 0 : System.Text.Encoding.UTF8.GetBytes(stream, _bytes.GetSpan(System.Text.Encoding.UTF8.GetMaxByteCount(stream.Length)));
        if (streamLength is 0 or > MaxStreamBytes)
        {
            return $"an event's stream id is {streamLength} UTF-8 bytes; it must be 1..{MaxStreamBytes}";
        }

        _bytes.Advance(streamLength);
        int payloadStart = _bytes.WrittenCount;
        app.WritePayload(@event, _bytes);
        int payloadLength = _bytes.WrittenCount - payloadStart;
        if (payloadLength > maxPayloadBytes)
        {
            return $"an event's payload is {payloadLength} bytes, above Pipeline:EventStore:MaxPayloadBytes ({maxPayloadBytes})";
        }

        _slots[Count++] = new Slot(header.Type, streamStart, streamLength, payloadStart, payloadLength);
        return null;
    }

    /// <summary>Adds an event the engine encoded itself (a flow's result); returns why it cannot be stored, or null.</summary>
    public string? Add(EventType type, string stream, ReadOnlySpan<byte> payload, int maxPayloadBytes)
    {
        if (payload.Length > maxPayloadBytes)
        {
            return $"an event's payload is {payload.Length} bytes, above Pipeline:EventStore:MaxPayloadBytes ({maxPayloadBytes})";
        }

        if (Count == _slots.Length)
        {
            Array.Resize(ref _slots, _slots.Length * 2);
        }

        int streamStart = _bytes.WrittenCount;
        int streamLength = System.Text.Encoding.UTF8.GetBytes(stream, _bytes.GetSpan(System.Text.Encoding.UTF8.GetMaxByteCount(stream.Length)));
        if (streamLength is 0 or > MaxStreamBytes)
        {
            return $"an event's stream id is {streamLength} UTF-8 bytes; it must be 1..{MaxStreamBytes}";
        }

        _bytes.Advance(streamLength);
        int payloadStart = _bytes.WrittenCount;
        _bytes.Write(payload);
        _slots[Count++] = new Slot(type, streamStart, streamLength, payloadStart, payload.Length);
        return null;
    }

    private readonly record struct Slot(EventType Type, int StreamStart, int StreamLength, int PayloadStart, int PayloadLength);
}
