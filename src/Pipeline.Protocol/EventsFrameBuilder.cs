using System;
using System.Buffers;

namespace Pipeline.Protocol;

/// <summary>
/// Builds one EVENTS frame at a time from event records, written straight into one reused buffer, never longer
/// than a maximum frame length; a batch holds whole records only.
/// </summary>
/// <remarks>
/// One thread at a time. The buffer is pooled and grows (doubling) up to the largest frame; nothing is allocated
/// per record. <see cref="Dispose"/> returns the buffer.
/// </remarks>
public sealed class EventsFrameBuilder : IDisposable
{
    private const int InitialBufferBytes = 16 * 1024;

    private readonly int _maxFrameLength;
    private byte[] _buffer;
    private int _end = FrameWriter.EventsPrefixBytes;
    private ulong _requestId;

    /// <summary>Creates a builder of frames whose length field is at most <paramref name="maxFrameLength"/> (kind + body).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxFrameLength"/> is below 64.</exception>
    public EventsFrameBuilder(int maxFrameLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrameLength, 64);
        _maxFrameLength = maxFrameLength;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Min(InitialBufferBytes, maxFrameLength + sizeof(uint)));
    }

    /// <summary>The longest frame (length field: kind + body) this builder makes.</summary>
    public int MaxFrameLength => _maxFrameLength;

    /// <summary>The largest record that fits a frame on its own (a larger one can never be sent).</summary>
    public long MaxRecordBytes => _maxFrameLength - (FrameWriter.EventsPrefixBytes - sizeof(uint));

    /// <summary>Records in the current frame.</summary>
    public int Count { get; private set; }

    /// <summary>The request the current frame answers.</summary>
    public ulong RequestId => _requestId;

    /// <summary>Starts an empty frame for <paramref name="requestId"/>.</summary>
    public void Reset(ulong requestId)
    {
        _requestId = requestId;
        _end = FrameWriter.EventsPrefixBytes;
        Count = 0;
    }

    /// <summary>Adds a record; false (and nothing added) when it would take the frame past the maximum length.</summary>
    public bool TryAppend(
        ulong position,
        ulong commandSequence,
        long timestampTicks,
        ulong producerId,
        ReadOnlySpan<byte> stream,
        ulong streamVersion,
        ReadOnlySpan<byte> type,
        ushort schemaVersion,
        ReadOnlySpan<byte> payload)
    {
        long size = FrameWriter.EventRecordBytes(stream.Length, type.Length, payload.Length);
        long frameBytes = _end + size;
        if (frameBytes - sizeof(uint) > _maxFrameLength || Count == int.MaxValue)
        {
            return false;
        }

        if (frameBytes > _buffer.Length)
        {
            Grow((int)frameBytes);
        }

        _end += FrameWriter.WriteEventRecord(_buffer.AsSpan(_end), position, commandSequence, timestampTicks, producerId, stream, streamVersion, type, schemaVersion, payload);
        Count++;
        return true;
    }

    /// <summary>The whole frame (prefix included); valid until the next <see cref="Reset"/> or <see cref="TryAppend"/>.</summary>
    public ReadOnlySpan<byte> Frame
    {
        get
        {
            FrameWriter.WriteEventsPrefix(_buffer, _requestId, (uint)Count, _end - FrameWriter.EventsPrefixBytes);
            return _buffer.AsSpan(0, _end);
        }
    }

    private void Grow(int needed)
    {
        int size = Math.Min(Math.Max(needed, _buffer.Length * 2), _maxFrameLength + sizeof(uint));
        byte[] larger = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, _end).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }

    /// <summary>Returns the buffer to the pool; the builder must not be used afterwards.</summary>
    public void Dispose()
    {
        byte[] buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
