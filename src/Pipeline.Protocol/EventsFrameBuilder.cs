using System;
using System.Buffers;

namespace Pipeline.Protocol;

/// <summary>
/// Builds one EVENTS frame (answering a READ or FETCH) or PUSH frame (of a subscription) at a time from event records,
/// written straight into one reused buffer, never longer than a maximum frame length; a batch holds whole records only.
/// </summary>
/// <remarks>
/// One thread at a time. The buffer is pooled and grows (doubling) up to the largest frame; nothing is allocated
/// per record. <see cref="Dispose"/> returns the buffer. An optional byte budget (<see cref="SetRecordBytesBudget"/>,
/// FETCH's max_bytes) bounds the record bytes of a whole answer, across its frames.
/// </remarks>
public sealed class EventsFrameBuilder : IDisposable
{
    private const int InitialBufferBytes = 16 * 1024;

    private readonly int _maxFrameLength;
    private byte[] _buffer;
    private int _end = FrameWriter.EventsPrefixBytes;
    private ulong _requestId;
    private long _budgetBytes = long.MaxValue;
    private long _budgetUsedBytes;

    /// <summary>Creates a builder of EVENTS frames whose length field is at most <paramref name="maxFrameLength"/> (kind + body).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxFrameLength"/> is below 64.</exception>
    public EventsFrameBuilder(int maxFrameLength)
        : this(maxFrameLength, FrameKind.Events)
    {
    }

    /// <summary>Creates a builder of <paramref name="kind"/> frames (EVENTS or PUSH) whose length field is at most <paramref name="maxFrameLength"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxFrameLength"/> is below 64, or <paramref name="kind"/> is neither EVENTS nor PUSH.</exception>
    public EventsFrameBuilder(int maxFrameLength, FrameKind kind)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrameLength, 64);
        if (kind is not (FrameKind.Events or FrameKind.Push))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "kind must be Events or Push");
        }

        Kind = kind;
        _maxFrameLength = maxFrameLength;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Min(InitialBufferBytes, maxFrameLength + sizeof(uint)));
    }

    /// <summary>EVENTS or PUSH.</summary>
    public FrameKind Kind { get; }

    /// <summary>The longest frame (length field: kind + body) this builder makes.</summary>
    public int MaxFrameLength => _maxFrameLength;

    /// <summary>The largest record that fits a frame on its own (a larger one can never be sent).</summary>
    public long MaxRecordBytes => _maxFrameLength - (FrameWriter.EventsPrefixBytes - sizeof(uint));

    /// <summary>Records in the current frame.</summary>
    public int Count { get; private set; }

    /// <summary>The request the current frame answers (EVENTS), or its subscription (PUSH).</summary>
    public ulong RequestId => _requestId;

    /// <summary>
    /// Whether the last <see cref="TryAppend"/> was refused by the byte budget rather than by the frame's length: the
    /// answer is complete.
    /// </summary>
    public bool BudgetReached { get; private set; }

    /// <summary>Record bytes appended since the last <see cref="SetRecordBytesBudget"/>, over every frame.</summary>
    public long BudgetUsedBytes => _budgetUsedBytes;

    /// <summary>
    /// Starts a budget of <paramref name="maxRecordBytes"/> bytes of event records (FETCH's max_bytes) for the next
    /// records, across frames (<see cref="Reset(ulong)"/> keeps it). The first record after this call is taken even when
    /// it alone is larger, if it fits a frame; the others only while the budget holds them. <see cref="long.MaxValue"/> is no budget (the default).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxRecordBytes"/> is below 1.</exception>
    public void SetRecordBytesBudget(long maxRecordBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecordBytes, 1);
        _budgetBytes = maxRecordBytes;
        _budgetUsedBytes = 0;
        BudgetReached = false;
    }

    /// <summary>Starts an empty frame for <paramref name="requestId"/> (a request id for EVENTS, a subscription id for PUSH); the byte budget goes on.</summary>
    public void Reset(ulong requestId)
    {
        _requestId = requestId;
        _end = FrameWriter.EventsPrefixBytes;
        Count = 0;
    }

    /// <summary>
    /// Adds a record; false (and nothing added) when it would take the frame past the maximum length, or the answer past
    /// its byte budget (<see cref="BudgetReached"/>).
    /// </summary>
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
        // The budget first: a record past it ends the answer, even one that would not fit a frame either.
        BudgetReached = _budgetUsedBytes > 0 && size > _budgetBytes - _budgetUsedBytes;
        if (BudgetReached)
        {
            return false;
        }

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
        _budgetUsedBytes += size;
        Count++;
        return true;
    }

    /// <summary>The whole frame (prefix included); valid until the next <see cref="Reset"/> or <see cref="TryAppend"/>.</summary>
    public ReadOnlySpan<byte> Frame
    {
        get
        {
            FrameWriter.WriteRecordsPrefix(_buffer, Kind, _requestId, (uint)Count, _end - FrameWriter.EventsPrefixBytes);
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
