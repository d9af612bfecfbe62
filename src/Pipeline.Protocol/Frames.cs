using System;

namespace Pipeline.Protocol;

/// <summary>A parsed HELLO.</summary>
/// <param name="Version">The protocol version the client speaks.</param>
/// <param name="ProducerId">0 = anonymous.</param>
/// <param name="ClientName">UTF-8 name bytes (a view into the receive buffer).</param>
public readonly ref struct HelloFrame(ushort Version, ulong ProducerId, ReadOnlySpan<byte> ClientName)
{
    /// <summary>The protocol version the client speaks.</summary>
    public ushort Version { get; } = Version;

    /// <summary>0 = anonymous.</summary>
    public ulong ProducerId { get; } = ProducerId;

    /// <summary>UTF-8 client name.</summary>
    public ReadOnlySpan<byte> ClientName { get; } = ClientName;
}

/// <summary>A parsed PUBLISH: views into the receive buffer.</summary>
public readonly ref struct PublishFrame(ulong ProducerSequence, ReadOnlySpan<byte> Type, ushort SchemaVersion, ReadOnlySpan<byte> Payload)
{
    /// <summary>The producer's own sequence.</summary>
    public ulong ProducerSequence { get; } = ProducerSequence;

    /// <summary>UTF-8 type.</summary>
    public ReadOnlySpan<byte> Type { get; } = Type;

    /// <summary>The payload's schema version.</summary>
    public ushort SchemaVersion { get; } = SchemaVersion;

    /// <summary>The payload.</summary>
    public ReadOnlySpan<byte> Payload { get; } = Payload;
}

/// <summary>A parsed QUERY.</summary>
public readonly ref struct QueryFrame(ulong RequestId, ReadOnlySpan<byte> Name, ulong MinSequence, ReadOnlySpan<byte> Args)
{
    /// <summary>Echoed in the RESULT.</summary>
    public ulong RequestId { get; } = RequestId;

    /// <summary>UTF-8 query name.</summary>
    public ReadOnlySpan<byte> Name { get; } = Name;

    /// <summary>Answer once the read model reflects at least this sequence.</summary>
    public ulong MinSequence { get; } = MinSequence;

    /// <summary>UTF-8 JSON arguments.</summary>
    public ReadOnlySpan<byte> Args { get; } = Args;
}

/// <summary>Parses the bodies of client frames; false means MALFORMED (ends early, runs over, or bad UTF-8).</summary>
public static partial class ClientFrames
{
    /// <summary>HELLO: version:u16, producer_id:u64, client_name:string.</summary>
    public static bool TryParseHello(ReadOnlySpan<byte> body, out HelloFrame frame)
    {
        var reader = new BodyReader(body);
        if (reader.TryReadUInt16(out ushort version) && reader.TryReadUInt64(out ulong producerId)
            && reader.TryReadString(out ReadOnlySpan<byte> name) && reader.IsAtEnd)
        {
            frame = new HelloFrame(version, producerId, name);
            return true;
        }

        frame = default;
        return false;
    }

    /// <summary>PUBLISH: producer_seq:u64, type:string, schema_version:u16, payload_len:u32, payload.</summary>
    public static bool TryParsePublish(ReadOnlySpan<byte> body, out PublishFrame frame)
    {
        var reader = new BodyReader(body);
        if (reader.TryReadUInt64(out ulong producerSequence) && reader.TryReadString(out ReadOnlySpan<byte> type)
            && reader.TryReadUInt16(out ushort schemaVersion) && reader.TryReadUInt32(out uint payloadLength)
            && payloadLength <= int.MaxValue && reader.TryReadBytes((int)payloadLength, out ReadOnlySpan<byte> payload) && reader.IsAtEnd)
        {
            frame = new PublishFrame(producerSequence, type, schemaVersion, payload);
            return true;
        }

        frame = default;
        return false;
    }

    /// <summary>QUERY: request_id:u64, name:string, min_sequence:u64, args:string.</summary>
    public static bool TryParseQuery(ReadOnlySpan<byte> body, out QueryFrame frame)
    {
        var reader = new BodyReader(body);
        if (reader.TryReadUInt64(out ulong requestId) && reader.TryReadString(out ReadOnlySpan<byte> name)
            && reader.TryReadUInt64(out ulong minSequence) && reader.TryReadString(out ReadOnlySpan<byte> args) && reader.IsAtEnd)
        {
            frame = new QueryFrame(requestId, name, minSequence, args);
            return true;
        }

        frame = default;
        return false;
    }

    /// <summary>
    /// READ (version 2): request_id:u64, selector:u8, from:u64, max_count:u32, min_sequence:u64, producer_id:u64,
    /// key:string. False also for a selector byte that is not a <see cref="ReadSelector"/> (the body's grammar
    /// names the selectors); the other rules are <see cref="ReadFrame.TryValidate"/>'s.
    /// </summary>
    public static bool TryParseRead(ReadOnlySpan<byte> body, out ReadFrame frame)
    {
        var reader = new BodyReader(body);
        if (reader.TryReadUInt64(out ulong requestId) && reader.TryReadByte(out byte selector)
            && selector is >= (byte)ReadSelector.AllForward and <= (byte)ReadSelector.Time
            && reader.TryReadUInt64(out ulong from) && reader.TryReadUInt32(out uint maxCount)
            && reader.TryReadUInt64(out ulong minSequence) && reader.TryReadUInt64(out ulong producerId)
            && reader.TryReadString(out ReadOnlySpan<byte> key) && reader.IsAtEnd)
        {
            frame = new ReadFrame(requestId, (ReadSelector)selector, from, maxCount, minSequence, producerId, key);
            return true;
        }

        frame = default;
        return false;
    }

    /// <summary>PING: nonce:u64.</summary>
    public static bool TryParsePing(ReadOnlySpan<byte> body, out ulong nonce)
    {
        var reader = new BodyReader(body);
        return reader.TryReadUInt64(out nonce) && reader.IsAtEnd;
    }
}
