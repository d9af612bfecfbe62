using System;
using StackExchange.Redis;

namespace Pipeline.Peers.Systems;

/// <summary>
/// How <see cref="RedisPeer"/> lays an event out as a stream entry, and reads back the raw XREAD replies that the
/// client library cannot parse for it (a blocking XREAD goes through <c>ExecuteAsync</c>).
/// </summary>
/// <remarks>
/// An entry is <c>type</c>, <c>data</c> (the JSON bytes) and <c>t</c> (the send's <see cref="PeerEvent.Timestamp"/>,
/// decimal); a feed entry starts with <c>stream</c>, the account stream the event belongs to, since the feed mixes them.
/// </remarks>
internal static class RedisStreamEntries
{
    /// <summary>XRANGE's smallest and greatest ids.</summary>
    public static readonly RedisValue Start = "-";

    public static readonly RedisValue End = "+";

    public static readonly RedisValue StreamField = "stream";
    public static readonly RedisValue TypeField = "type";
    public static readonly RedisValue DataField = "data";
    public static readonly RedisValue TimestampField = "t";

    public static NameValueEntry[] Fields(in PeerEvent e) =>
    [
        new(TypeField, e.Type),
        new(DataField, e.Data),
        new(TimestampField, e.Timestamp),
    ];

    public static NameValueEntry[] FeedFields(in PeerEvent e) =>
    [
        new(StreamField, e.Stream),
        new(TypeField, e.Type),
        new(DataField, e.Data),
        new(TimestampField, e.Timestamp),
    ];

    /// <summary>The exclusive start of the next XRANGE page: the entries after <paramref name="id"/> (Redis 6.2+).</summary>
    public static RedisValue After(RedisValue id) => "(" + id.ToString();

    /// <summary>The <c>t</c> field of an entry's flat field/value list; false when it is missing or not an integer.</summary>
    public static bool TryGetTimestamp(ReadOnlySpan<RedisValue> fields, out long timestamp)
    {
        for (int i = 0; i + 1 < fields.Length; i += 2)
        {
            if (fields[i] == TimestampField)
            {
                return fields[i + 1].TryParse(out timestamp);
            }
        }

        timestamp = 0;
        return false;
    }

    /// <summary>
    /// Calls <paramref name="onEvent"/> with the <c>t</c> of each entry of a single-key XREAD reply, in order; returns the
    /// id of the last entry, or <paramref name="lastId"/> when the reply is empty (a BLOCK that timed out is null).
    /// </summary>
    /// <remarks>
    /// The reply is <c>[[key, [[id, [field, value, ...]], ...]]]</c> under RESP2 and <c>{key: [[id, [...]], ...]}</c>
    /// under RESP3; both are read.
    /// </remarks>
    /// <exception cref="FormatException">An entry is not of that shape or has no integer <c>t</c>.</exception>
    public static RedisValue ReadFeedReply(RedisResult reply, RedisValue lastId, Action<long> onEvent)
    {
        ArgumentNullException.ThrowIfNull(reply);
        ArgumentNullException.ThrowIfNull(onEvent);
        if (reply.IsNull)
        {
            return lastId;
        }

        if (reply.Resp3Type == ResultType.Map)
        {
            for (int i = 1; i < reply.Length; i += 2)
            {
                lastId = ReadEntries(reply[i], lastId, onEvent);
            }

            return lastId;
        }

        for (int i = 0; i < reply.Length; i++)
        {
            RedisResult keyAndEntries = reply[i];
            if (keyAndEntries.Length != 2)
            {
                throw new FormatException($"an XREAD reply item has {keyAndEntries.Length} elements, not [key, entries]");
            }

            lastId = ReadEntries(keyAndEntries[1], lastId, onEvent);
        }

        return lastId;
    }

    private static RedisValue ReadEntries(RedisResult entries, RedisValue lastId, Action<long> onEvent)
    {
        for (int i = 0; i < entries.Length; i++)
        {
            RedisResult entry = entries[i];
            if (entry.Length != 2)
            {
                throw new FormatException($"a stream entry has {entry.Length} elements, not [id, fields]");
            }

            var id = (RedisValue)entry[0];
            if (!TryGetTimestamp((RedisValue[])entry[1]!, out long timestamp))
            {
                throw new FormatException($"the stream entry {id} has no integer '{(string?)TimestampField}' field");
            }

            onEvent(timestamp);
            lastId = id;
        }

        return lastId;
    }
}
