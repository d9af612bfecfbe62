using System;

namespace Pipeline.Protocol;

/// <summary>A parsed READ_END.</summary>
public readonly ref struct ReadEndFrame
{
    /// <summary>Creates a frame from its fields.</summary>
    public ReadEndFrame(ulong requestId, ReadStatus status, ulong next, ulong headPosition, uint eventCount, ReadOnlySpan<byte> message)
    {
        RequestId = requestId;
        Status = status;
        Next = next;
        HeadPosition = headPosition;
        EventCount = eventCount;
        Message = message;
    }

    /// <summary>The READ it ends.</summary>
    public ulong RequestId { get; }

    /// <summary>How the READ ended.</summary>
    public ReadStatus Status { get; }

    /// <summary>The from value that continues the read (a position, or a stream version for a stream read); 0 when the status is not OK.</summary>
    public ulong Next { get; }

    /// <summary>The visible head position the answer was read against.</summary>
    public ulong HeadPosition { get; }

    /// <summary>How many event records the EVENTS frames of this answer carried.</summary>
    public uint EventCount { get; }

    /// <summary>UTF-8: empty for OK, else what went wrong.</summary>
    public ReadOnlySpan<byte> Message { get; }
}

/// <summary>One event record of an EVENTS frame: views into the received body.</summary>
public readonly ref struct EventRecordFrame
{
    /// <summary>Creates a record from its fields.</summary>
    public EventRecordFrame(ulong position, ulong commandSequence, long timestampTicks, ulong producerId, ReadOnlySpan<byte> stream, ulong streamVersion, ReadOnlySpan<byte> type, ushort schemaVersion, ReadOnlySpan<byte> payload)
    {
        Position = position;
        CommandSequence = commandSequence;
        TimestampTicks = timestampTicks;
        ProducerId = producerId;
        Stream = stream;
        StreamVersion = streamVersion;
        Type = type;
        SchemaVersion = schemaVersion;
        Payload = payload;
    }

    /// <summary>The event's global position (1, 2, 3, ...).</summary>
    public ulong Position { get; }

    /// <summary>The journal sequence of the command that caused it.</summary>
    public ulong CommandSequence { get; }

    /// <summary>The command's timestamp: .NET UTC ticks (100 ns since 0001-01-01T00:00:00Z).</summary>
    public long TimestampTicks { get; }

    /// <summary>The command's producer (0 = anonymous).</summary>
    public ulong ProducerId { get; }

    /// <summary>UTF-8 stream id.</summary>
    public ReadOnlySpan<byte> Stream { get; }

    /// <summary>The event's version in its stream (1, 2, 3, ...).</summary>
    public ulong StreamVersion { get; }

    /// <summary>UTF-8 event type.</summary>
    public ReadOnlySpan<byte> Type { get; }

    /// <summary>The payload's schema version.</summary>
    public ushort SchemaVersion { get; }

    /// <summary>The payload.</summary>
    public ReadOnlySpan<byte> Payload { get; }
}

/// <summary>The records of an EVENTS frame (or of a <see cref="PushFrame"/>), already checked whole by <see cref="ServerFrames.TryParseEvents"/>.</summary>
public ref struct EventsFrame
{
    private BodyReader _records;
    private uint _left;

    internal EventsFrame(ulong requestId, uint count, ReadOnlySpan<byte> records)
    {
        RequestId = requestId;
        Count = count;
        _records = new BodyReader(records);
        _left = count;
    }

    /// <summary>The READ it answers.</summary>
    public ulong RequestId { get; }

    /// <summary>Records in the frame (at least 1).</summary>
    public uint Count { get; }

    /// <summary>The next record; false after the last.</summary>
    public bool TryReadNext(out EventRecordFrame record)
    {
        if (_left == 0)
        {
            record = default;
            return false;
        }

        _left--;
        BodyReader records = _records;
        bool read = ServerFrames.TryReadRecord(ref records, out record);
        _records = records;
        return read;
    }
}

/// <summary>Parses the bodies of the server frames of versions 2 and 3; false means a malformed body.</summary>
public static partial class ServerFrames
{
    /// <summary>READ_END: request_id:u64, status:u8, next:u64, head_position:u64, event_count:u32, message:string.</summary>
    public static bool TryParseReadEnd(ReadOnlySpan<byte> body, out ReadEndFrame frame)
    {
        var reader = new BodyReader(body);
        if (reader.TryReadUInt64(out ulong requestId) && reader.TryReadByte(out byte status) && reader.TryReadUInt64(out ulong next)
            && reader.TryReadUInt64(out ulong head) && reader.TryReadUInt32(out uint count)
            && reader.TryReadString(out ReadOnlySpan<byte> message) && reader.IsAtEnd)
        {
            frame = new ReadEndFrame(requestId, (ReadStatus)status, next, head, count, message);
            return true;
        }

        frame = default;
        return false;
    }

    /// <summary>
    /// EVENTS: request_id:u64, count:u32 (at least 1), then count whole records and nothing after them. Every record
    /// is checked here (lengths, UTF-8), so reading them from <paramref name="frame"/> cannot fail.
    /// </summary>
    public static bool TryParseEvents(ReadOnlySpan<byte> body, out EventsFrame frame)
    {
        if (TryParseRecords(body, out ulong requestId, out uint count, out ReadOnlySpan<byte> records))
        {
            frame = new EventsFrame(requestId, count, records);
            return true;
        }

        frame = default;
        return false;
    }

    // EVENTS and PUSH bodies: an id, count:u32 (at least 1), then count whole records and nothing after them. Every
    // record is checked here (lengths, UTF-8), so reading them afterwards cannot fail.
    private static bool TryParseRecords(ReadOnlySpan<byte> body, out ulong id, out uint count, out ReadOnlySpan<byte> records)
    {
        records = default;
        count = 0;
        var reader = new BodyReader(body);
        if (!reader.TryReadUInt64(out id) || !reader.TryReadUInt32(out count) || count == 0)
        {
            return false;
        }

        ReadOnlySpan<byte> all = body[12..];
        var check = new BodyReader(all);
        for (uint i = 0; i < count; i++)
        {
            if (!TryReadRecord(ref check, out _))
            {
                return false;
            }
        }

        if (!check.IsAtEnd)
        {
            return false;
        }

        records = all;
        return true;
    }

    internal static bool TryReadRecord(scoped ref BodyReader reader, out EventRecordFrame record)
    {
        if (reader.TryReadUInt64(out ulong position) && reader.TryReadUInt64(out ulong commandSequence)
            && reader.TryReadUInt64(out ulong ticks) && reader.TryReadUInt64(out ulong producerId)
            && reader.TryReadString(out ReadOnlySpan<byte> stream) && reader.TryReadUInt64(out ulong streamVersion)
            && reader.TryReadString(out ReadOnlySpan<byte> type) && reader.TryReadUInt16(out ushort schemaVersion)
            && reader.TryReadUInt32(out uint payloadLength) && payloadLength <= int.MaxValue
            && reader.TryReadBytes((int)payloadLength, out ReadOnlySpan<byte> payload))
        {
            record = new EventRecordFrame(position, commandSequence, (long)ticks, producerId, stream, streamVersion, type, schemaVersion, payload);
            return true;
        }

        record = default;
        return false;
    }
}
