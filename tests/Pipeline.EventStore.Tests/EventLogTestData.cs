using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Pipeline.EventStore.Tests;

/// <summary>A stored event copied out of a cursor's view.</summary>
internal sealed record StoredEvent(
    long Position,
    long CommandSequence,
    long TimestampTicks,
    ulong ProducerId,
    long StreamVersion,
    ushort SchemaVersion,
    byte[] Type,
    byte[] StreamId,
    byte[] Payload,
    long Offset,
    int Length)
{
    public static StoredEvent From(in EventRecord record) => new(
        record.Position,
        record.CommandSequence,
        record.TimestampTicks,
        record.ProducerId,
        record.StreamVersion,
        record.SchemaVersion,
        record.Type.ToArray(),
        record.StreamId.ToArray(),
        record.Payload.ToArray(),
        record.Offset,
        record.Length);
}

/// <summary>Deterministic events: event n belongs to stream n % 3, is caused by command n / 2 + 1, and carries n in its payload.</summary>
internal static class EventLogTestData
{
    public static readonly byte[] Type = "Deposited"u8.ToArray();

    public static EventLogOptions Options(string directory, long segmentSizeBytes = 64L * 1024 * 1024, int maxPayloadBytes = 4096) => new()
    {
        Directory = directory,
        SegmentSizeBytes = segmentSizeBytes,
        MaxPayloadBytes = maxPayloadBytes,
        WriteBufferBytes = 64 * 1024,
        IndexIntervalRecords = 16,
    };

    public static byte[] StreamId(long n) => Encoding.UTF8.GetBytes("account-" + (n % 3).ToString(CultureInfo.InvariantCulture));

    public static long StreamVersion(long n) => ((n - 1) / 3) + 1;

    public static long CommandSequence(long n) => (n / 2) + 1;

    public static long Timestamp(long n) => 638_000_000_000_000_000L + (n * 10);

    public static byte[] Payload(long n) => Encoding.UTF8.GetBytes("{\"amount\":" + n.ToString(CultureInfo.InvariantCulture) + "}");

    /// <summary>Appends events <paramref name="from"/>..<paramref name="from"/>+count-1 with their expected positions.</summary>
    public static void Append(EventLogWriter writer, long from, int count)
    {
        for (long n = from; n < from + count; n++)
        {
            writer.Append(new EventToAppend(StreamId(n), StreamVersion(n), Type, 1, Payload(n), CommandSequence(n), Timestamp(n), (ulong)n) { ExpectedPosition = n });
        }
    }

    /// <summary>Creates a log of <paramref name="count"/> events and closes it.</summary>
    public static void Create(EventLogOptions options, int count)
    {
        using EventLogWriter writer = EventLogWriter.Open(options);
        Append(writer, 1, count);
    }

    /// <summary>Whether <paramref name="stored"/> is event <paramref name="n"/> as <see cref="Append"/> wrote it.</summary>
    public static bool IsEvent(StoredEvent stored, long n) =>
        stored.Position == n
        && stored.CommandSequence == CommandSequence(n)
        && stored.TimestampTicks == Timestamp(n)
        && stored.ProducerId == (ulong)n
        && stored.StreamVersion == StreamVersion(n)
        && stored.SchemaVersion == 1
        && stored.Type.AsSpan().SequenceEqual(Type)
        && stored.StreamId.AsSpan().SequenceEqual(StreamId(n))
        && stored.Payload.AsSpan().SequenceEqual(Payload(n));

    public static List<StoredEvent> ReadForward(EventLogOptions options, long from = 1, int maxCount = int.MaxValue)
    {
        var events = new List<StoredEvent>();
        using EventLogCursor cursor = new EventLogReader(options).ReadForward(from, maxCount);
        while (cursor.TryRead(out EventRecord record))
        {
            events.Add(StoredEvent.From(record));
        }

        return events;
    }

    public static List<StoredEvent> ReadBackward(EventLogOptions options, long from, int maxCount = int.MaxValue)
    {
        var events = new List<StoredEvent>();
        using EventLogCursor cursor = new EventLogReader(options).ReadBackward(from, maxCount);
        while (cursor.TryRead(out EventRecord record))
        {
            events.Add(StoredEvent.From(record));
        }

        return events;
    }

    public static void FlipBit(string path, long offset, int bit)
    {
        using var file = new System.IO.FileStream(path, System.IO.FileMode.Open, System.IO.FileAccess.ReadWrite, System.IO.FileShare.None);
        file.Position = offset;
        int value = file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(value ^ (1 << bit)));
    }
}
