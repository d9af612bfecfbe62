using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Extensions.Logging;
using Pipeline.EventStore.Format;
using Pipeline.EventStore.Internal;
using Pipeline.Journal.Format;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.EventStore.Tests;

public sealed class EventIndexTests : IDisposable
{
    private const int Count = 1000;
    private const long BaseTicks = 638_000_000_000_000_000L;
    private static readonly byte[] Deposited = "Deposited"u8.ToArray();
    private static readonly byte[] Withdrawn = "Withdrawn"u8.ToArray();
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    // Event n: stream "account-{n % 5}" at version (n - 1) / 5 + 1, type Deposited (even n) or Withdrawn (odd n),
    // producer n % 4, timestamp BaseTicks + (n / 2) * 10 (so pairs of events share a timestamp).
    private static byte[] Stream(long n) => Encoding.UTF8.GetBytes("account-" + (n % 5).ToString(CultureInfo.InvariantCulture));

    private static byte[] Type(long n) => n % 2 == 0 ? Deposited : Withdrawn;

    private static long Timestamp(long n) => BaseTicks + ((n / 2) * 10);

    private static void Append(EventLogWriter writer, long from, int count)
    {
        for (long n = from; n < from + count; n++)
        {
            byte[] payload = Encoding.UTF8.GetBytes("payload-" + n.ToString(CultureInfo.InvariantCulture));
            writer.Append(new EventToAppend(Stream(n), ((n - 1) / 5) + 1, Type(n), 1, payload, n, Timestamp(n), (ulong)(n % 4)) { ExpectedPosition = n });
        }
    }

    // 1000 events over many 8 KiB segments; the writer stays open when asked (the last segment is then live).
    private EventLogOptions CreateLog(int count = Count, long segmentSizeBytes = 8192)
    {
        EventLogOptions options = EventLogTestData.Options(_temp.Combine("events"), segmentSizeBytes);
        using (EventLogWriter writer = EventLogWriter.Open(options))
        {
            Append(writer, 1, count);
        }

        Assert.True(EventSegmentFiles.List(options.Directory).Count >= 3);
        return options;
    }

    private static List<StoredEvent> Drain(EventIndexCursor cursor)
    {
        using (cursor)
        {
            var events = new List<StoredEvent>();
            while (cursor.TryRead(out EventRecord record))
            {
                events.Add(StoredEvent.From(record));
            }

            return events;
        }
    }

    private static List<long> Positions(List<StoredEvent> events) => events.ConvertAll(e => e.Position);

    // The expected answer, by a full forward scan of the log.
    private static List<long> Scan(EventLogOptions options, Func<StoredEvent, bool> match, long from = 1, int maxCount = int.MaxValue)
    {
        var positions = new List<long>();
        foreach (StoredEvent e in EventLogTestData.ReadForward(options))
        {
            if (e.Position >= from && positions.Count < maxCount && match(e))
            {
                positions.Add(e.Position);
            }
        }

        return positions;
    }

    private static string SealedIndexPath(EventLogOptions options, int segment) =>
        EventSegmentFiles.IndexPath(EventSegmentFiles.List(options.Directory)[segment].Path);

    [Fact]
    public void Seal_EverySealedSegment_HasAnIndexFileAndTheLastHasNone()
    {
        EventLogOptions options = CreateLog();

        List<(long FirstPosition, string Path)> segments = EventSegmentFiles.List(options.Directory);

        for (int i = 0; i < segments.Count; i++)
        {
            Assert.Equal(i < segments.Count - 1, File.Exists(EventSegmentFiles.IndexPath(segments[i].Path)));
        }
    }

    // The writer indexes what it appends (and, after a reopen, what the open scanned); the result must be the file
    // a rebuild from the segment writes.
    [Fact]
    public void Seal_IndexFilesFromTheAppends_AreByteForByteTheRebuiltOnes()
    {
        EventLogOptions options = EventLogTestData.Options(_temp.Combine("events"), 8192);
        using (EventLogWriter writer = EventLogWriter.Open(options))
        {
            Append(writer, 1, 437);
        }

        using (EventLogWriter writer = EventLogWriter.Open(options))
        {
            Append(writer, 438, Count - 437);
        }

        List<(long FirstPosition, string Path)> segments = EventSegmentFiles.List(options.Directory);
        Assert.True(segments.Count >= 4);
        var written = segments.SkipLast(1).Select(s => File.ReadAllBytes(EventSegmentFiles.IndexPath(s.Path))).ToList();
        foreach ((long _, string path) in segments.SkipLast(1))
        {
            File.Delete(EventSegmentFiles.IndexPath(path));
        }

        using (EventLogWriter.Open(options))
        {
        }

        var rebuilt = segments.SkipLast(1).Select(s => File.ReadAllBytes(EventSegmentFiles.IndexPath(s.Path))).ToList();
        Assert.Equal(written, rebuilt);
    }

    // More types than the writer keeps hashes of: every type's entries must still carry its own hash.
    [Fact]
    public void Seal_ManyEventTypes_IndexFilesAreByteForByteTheRebuiltOnes()
    {
        EventLogOptions options = EventLogTestData.Options(_temp.Combine("events"), 8192);
        using (EventLogWriter writer = EventLogWriter.Open(options))
        {
            for (long n = 1; n <= Count; n++)
            {
                // Three common types (found in the writer's cache) among seventeen rare ones (which evict them).
                byte[] type = Encoding.UTF8.GetBytes(n % 10 < 7
                    ? "common-" + (n % 3).ToString(CultureInfo.InvariantCulture)
                    : "rare-" + (n % 17).ToString(CultureInfo.InvariantCulture) + new string('x', (int)(n % 3)));
                writer.Append(new EventToAppend(Stream(n), ((n - 1) / 5) + 1, type, 1, "{}"u8, n, Timestamp(n), 1) { ExpectedPosition = n });
            }
        }

        List<(long FirstPosition, string Path)> segments = EventSegmentFiles.List(options.Directory);
        var written = segments.SkipLast(1).Select(s => File.ReadAllBytes(EventSegmentFiles.IndexPath(s.Path))).ToList();
        foreach ((long _, string path) in segments.SkipLast(1))
        {
            File.Delete(EventSegmentFiles.IndexPath(path));
        }

        using (EventLogWriter.Open(options))
        {
        }

        Assert.Equal(written, segments.SkipLast(1).Select(s => File.ReadAllBytes(EventSegmentFiles.IndexPath(s.Path))).ToList());
        var index = new EventIndex(options);
        Assert.Equal(Scan(options, e => e.Type.AsSpan().SequenceEqual("common-1"u8)), Positions(Drain(index.ReadType("common-1"u8))));
    }

    [Theory]
    [InlineData(0, 1, int.MaxValue)]
    [InlineData(3, 1, int.MaxValue)]
    [InlineData(4, 37, int.MaxValue)]
    [InlineData(1, 10, 25)]
    [InlineData(2, 200, 10)]
    [InlineData(2, 201, 10)]
    public void ReadStream_FromAVersionWithMaxCount_ReturnsTheStreamsEventsInVersionOrder(int stream, long fromVersion, int maxCount)
    {
        EventLogOptions options = CreateLog();
        byte[] streamId = Stream(stream);
        var logger = new ListLogger();

        List<StoredEvent> events = Drain(new EventIndex(options, logger).ReadStream(streamId, fromVersion, maxCount));

        Assert.Equal(Scan(options, e => e.StreamId.AsSpan().SequenceEqual(streamId) && e.StreamVersion >= fromVersion, 1, maxCount), Positions(events));
        Assert.All(events, e => Assert.Equal(Encoding.UTF8.GetBytes("payload-" + e.Position.ToString(CultureInfo.InvariantCulture)), e.Payload));
        Assert.DoesNotContain(logger.Entries, e => e.EventId == 1206);
    }

    [Fact]
    public void ReadStream_UnknownStream_ReturnsNothing()
    {
        EventLogOptions options = CreateLog();

        List<StoredEvent> events = Drain(new EventIndex(options).ReadStream("account-9"u8));

        Assert.Empty(events);
    }

    [Theory]
    [InlineData(true, 1, int.MaxValue)]
    [InlineData(false, 1, int.MaxValue)]
    [InlineData(true, 555, 40)]
    [InlineData(false, 999, 5)]
    public void ReadType_FromAPosition_ReturnsThatTypesEventsInPositionOrder(bool deposited, long from, int maxCount)
    {
        EventLogOptions options = CreateLog();
        byte[] type = deposited ? Deposited : Withdrawn;

        List<StoredEvent> events = Drain(new EventIndex(options).ReadType(type, from, maxCount));

        Assert.Equal(Scan(options, e => e.Type.AsSpan().SequenceEqual(type), from, maxCount), Positions(events));
    }

    [Theory]
    [InlineData(0UL, 1, int.MaxValue)]
    [InlineData(3UL, 1, int.MaxValue)]
    [InlineData(1UL, 400, 30)]
    [InlineData(7UL, 1, int.MaxValue)]
    public void ReadProducer_FromAPosition_ReturnsThatProducersEventsInPositionOrder(ulong producer, long from, int maxCount)
    {
        EventLogOptions options = CreateLog();

        List<StoredEvent> events = Drain(new EventIndex(options).ReadProducer(producer, from, maxCount));

        Assert.Equal(Scan(options, e => e.ProducerId == producer, from, maxCount), Positions(events));
    }

    [Fact]
    public void ReadStreamAndType_WhenHashesCollide_ReturnOnlyTheRequestedKey()
    {
        EventLogOptions options = CreateLog();
        // Keeps 2 bits of the hash: the 5 streams share at most 4 hashes, so at least two collide.
        var index = new EventIndex(options, new ListLogger(), IndexKeyHash.CollidingForTests);

        for (int stream = 0; stream < 5; stream++)
        {
            byte[] streamId = Stream(stream);
            List<StoredEvent> events = Drain(index.ReadStream(streamId));
            Assert.Equal(Scan(options, e => e.StreamId.AsSpan().SequenceEqual(streamId)), Positions(events));
        }

        Assert.Equal(Scan(options, e => e.Type.AsSpan().SequenceEqual(Withdrawn)), Positions(Drain(index.ReadType(Withdrawn))));
        Assert.Equal(Scan(options, e => e.Type.AsSpan().SequenceEqual(Deposited)), Positions(Drain(index.ReadType(Deposited))));
    }

    [Fact]
    public void ReadStream_IndexFileDeleted_RebuildsItAndLogsAWarning()
    {
        EventLogOptions options = CreateLog();
        string indexPath = SealedIndexPath(options, 2);
        File.Delete(indexPath);
        var logger = new ListLogger();

        List<StoredEvent> events = Drain(new EventIndex(options, logger).ReadStream(Stream(1)));

        Assert.Equal(Scan(options, e => e.StreamId.AsSpan().SequenceEqual(Stream(1))), Positions(events));
        Assert.True(File.Exists(indexPath));
        (LogLevel level, int id, string message) = Assert.Single(logger.Entries, e => e.EventId == 1206);
        Assert.Equal(LogLevel.Warning, level);
        Assert.Contains(indexPath, message, StringComparison.Ordinal);
        Assert.Contains("missing", message, StringComparison.Ordinal);
    }

    // Just after a roll the writer is still writing the newest sealed segment's index in the background: a reader
    // that comes first builds it itself, and that is no damage (debug 1208, no warning).
    [Fact]
    public void ReadStream_NewestSealedIndexNotWrittenYet_BuildsItWithoutAWarning()
    {
        EventLogOptions options = CreateLog();
        List<(long FirstPosition, string Path)> segments = EventSegmentFiles.List(options.Directory);
        string newest = EventSegmentFiles.IndexPath(segments[^2].Path);
        string older = EventSegmentFiles.IndexPath(segments[^3].Path);
        File.Delete(newest);
        var logger = new ListLogger();

        List<StoredEvent> events = Drain(new EventIndex(options, logger).ReadStream(Stream(1)));

        Assert.Equal(Scan(options, e => e.StreamId.AsSpan().SequenceEqual(Stream(1))), Positions(events));
        Assert.True(File.Exists(newest));
        Assert.DoesNotContain(logger.Entries, e => e.EventId == 1206);
        (LogLevel level, int _, string message) = Assert.Single(logger.Entries, e => e.EventId == 1208);
        Assert.Equal(LogLevel.Debug, level);
        Assert.Contains(newest, message, StringComparison.Ordinal);

        File.Delete(older); // an older one missing is damage: warned
        var second = new ListLogger();
        Drain(new EventIndex(options, second).ReadStream(Stream(1)));
        Assert.Contains(second.Entries, e => e.EventId == 1206 && e.Message.Contains(older, StringComparison.Ordinal));
    }

    [Fact]
    public void Open_IndexFileDeleted_RebuildsItAndLogsAWarning()
    {
        EventLogOptions options = CreateLog();
        string indexPath = SealedIndexPath(options, 0);
        byte[] original = File.ReadAllBytes(indexPath);
        File.Delete(indexPath);
        var logger = new ListLogger();

        EventLogWriter.Open(options, logger).Dispose();

        Assert.Equal(original, File.ReadAllBytes(indexPath));
        Assert.Contains(logger.Entries, e => e.EventId == 1206 && e.Level == LogLevel.Warning && e.Message.Contains(indexPath, StringComparison.Ordinal));
    }

    // Each segment here is one block per section, so every query of a section reads all of it; the query chosen for an
    // offset is one that reads the part of the file holding it (a flip in a section no query reads is found later, by
    // the first query that does: see the next tests).
    [Fact]
    public void Queries_FlippedByteAnywhereInAnIndexFile_RebuildAndLogAWarning()
    {
        EventLogOptions options = CreateLog();
        string indexPath = SealedIndexPath(options, 1);
        byte[] original = File.ReadAllBytes(indexPath);
        Assert.True(EventIndexHeader.TryRead(original, out EventIndexHeader header, out _));
        Assert.Equal(1, header.BlockCount);
        long segmentFirst = EventSegmentFiles.List(options.Directory)[1].FirstPosition;
        var failures = new List<string>();

        for (int offset = 0; offset < original.Length; offset += 7)
        {
            EventLogTestData.FlipBit(indexPath, offset, offset % 8);
            var logger = new ListLogger();
            using var index = new EventIndex(options, logger); // closes the index file before the next flip
            (string query, List<long> found, List<long> expected) = QueryReading(options, index, header, offset, segmentFirst);
            bool warned = logger.Entries.Exists(e => e.EventId == 1206 && e.Level == LogLevel.Warning);
            if (!found.SequenceEqual(expected) || !warned || !File.ReadAllBytes(indexPath).AsSpan().SequenceEqual(original))
            {
                failures.Add($"offset {offset} ({query}): {found.Count} events (expected {expected.Count}), warned {warned}");
                File.WriteAllBytes(indexPath, original);
            }
        }

        Assert.Empty(failures);
    }

    private static (string Query, List<long> Found, List<long> Expected) QueryReading(EventLogOptions options, EventIndex index, EventIndexHeader header, long offset, long segmentFirst)
    {
        bool In(long from, long to) => offset >= from && offset < to;
        if (In(header.TypeTableOffset, header.ProducerTableOffset) || In(header.TypeSectionOffset, header.ProducerSectionOffset))
        {
            byte[] type = Type(offset);
            return ("type", Positions(Drain(index.ReadType(type))), Scan(options, e => e.Type.AsSpan().SequenceEqual(type)));
        }

        if (In(header.ProducerTableOffset, header.StreamSectionOffset) || In(header.ProducerSectionOffset, header.TimeSectionOffset))
        {
            ulong producer = (ulong)(offset % 4);
            return ("producer", Positions(Drain(index.ReadProducer(producer))), Scan(options, e => e.ProducerId == producer));
        }

        if (offset >= header.TimeSectionOffset)
        {
            long ticks = Timestamp(segmentFirst + 2); // the answer is in this segment
            var found = new List<long>();
            if (index.TryFindPosition(ticks, out long position))
            {
                found.Add(position);
            }

            return ("time", found, Scan(options, e => e.TimestampTicks >= ticks, 1, 1));
        }

        // The header (checked when the file is first used), the stream table or the stream section.
        byte[] streamId = Stream(offset % 5);
        return ("stream", Positions(Drain(index.ReadStream(streamId))), Scan(options, e => e.StreamId.AsSpan().SequenceEqual(streamId)));
    }

    // 128 KiB segments of about 1,450 events: three blocks in each keyed section.
    private EventLogOptions CreateLogOfSeveralBlocks() => CreateLog(count: 6000, segmentSizeBytes: 128 * 1024);

    // The streams (0..4) whose entries of the stream section of an index file lie in each block, in file order.
    private static List<List<long>> StreamsByBlock(byte[] file, EventIndexHeader header)
    {
        var hashes = new Dictionary<ulong, long>();
        for (long n = 0; n < 5; n++)
        {
            hashes[IndexKeyHashing.Hash(IndexKeyHash.Fnv1a64, Stream(n))] = n;
        }

        var blocks = new List<List<long>>();
        for (int i = 0; i < header.RecordCount; i++)
        {
            if (i % SealedSegmentIndex.BlockEntries == 0)
            {
                blocks.Add([]);
            }

            ulong hash = BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan((int)header.StreamSectionOffset + (i * EventIndexHeader.StreamEntrySize)));
            if (blocks[^1].Count == 0 || blocks[^1][^1] != hashes[hash])
            {
                blocks[^1].Add(hashes[hash]);
            }
        }

        return blocks;
    }

    [Fact]
    public void ReadStream_FlippedByteInABlockNoLookupReads_GoesUnnoticedUntilALookupReadsItThenTheFileIsRebuilt()
    {
        EventLogOptions options = CreateLogOfSeveralBlocks();
        string indexPath = SealedIndexPath(options, 0);
        byte[] original = File.ReadAllBytes(indexPath);
        Assert.True(EventIndexHeader.TryRead(original, out EventIndexHeader header, out _));
        List<List<long>> blocks = StreamsByBlock(original, header);
        Assert.True(blocks.Count >= 3);
        // A stream wholly inside the first block, whose lookup stops there (a later stream follows it in the block),
        // and one only in the last block.
        long early = blocks[0][0];
        Assert.True(blocks[0].Count > 1 && !blocks[1].Contains(early));
        long late = blocks[^1].First(s => !blocks[^2].Contains(s));
        long lastBlock = header.StreamSectionOffset + ((long)(blocks.Count - 1) * SealedSegmentIndex.BlockBytes);
        EventLogTestData.FlipBit(indexPath, lastBlock + 40, 3);
        byte[] damaged = File.ReadAllBytes(indexPath);
        var logger = new ListLogger();
        using var index = new EventIndex(options, logger);

        List<long> first = Positions(Drain(index.ReadStream(Stream(early))));

        Assert.Equal(Scan(options, e => e.StreamId.AsSpan().SequenceEqual(Stream(early))), first);
        Assert.DoesNotContain(logger.Entries, e => e.EventId == 1206);
        Assert.Equal(damaged, File.ReadAllBytes(indexPath)); // not read, so not found yet

        List<long> second = Positions(Drain(index.ReadStream(Stream(late))));

        Assert.Equal(Scan(options, e => e.StreamId.AsSpan().SequenceEqual(Stream(late))), second);
        (LogLevel level, int _, string message) = Assert.Single(logger.Entries, e => e.EventId == 1206);
        Assert.Equal(LogLevel.Warning, level);
        Assert.Contains(indexPath, message, StringComparison.Ordinal);
        Assert.Contains($"block {blocks.Count - 1} of its stream section", message, StringComparison.Ordinal);
        Assert.Equal(original, File.ReadAllBytes(indexPath));
    }

    [Fact]
    public void ReadStream_DamagedTypeTable_DoesNotStopStreamLookupsAndTheFirstTypeLookupRebuildsTheFile()
    {
        EventLogOptions options = CreateLogOfSeveralBlocks();
        string indexPath = SealedIndexPath(options, 0);
        byte[] original = File.ReadAllBytes(indexPath);
        Assert.True(EventIndexHeader.TryRead(original, out EventIndexHeader header, out _));
        EventLogTestData.FlipBit(indexPath, header.TypeTableOffset + 5, 0);
        var logger = new ListLogger();
        using var index = new EventIndex(options, logger);

        List<long> stream = Positions(Drain(index.ReadStream(Stream(2))));

        Assert.Equal(Scan(options, e => e.StreamId.AsSpan().SequenceEqual(Stream(2))), stream);
        Assert.DoesNotContain(logger.Entries, e => e.EventId == 1206);

        List<long> type = Positions(Drain(index.ReadType(Withdrawn)));

        Assert.Equal(Scan(options, e => e.Type.AsSpan().SequenceEqual(Withdrawn)), type);
        Assert.Contains(logger.Entries, e => e.EventId == 1206 && e.Message.Contains("type block table", StringComparison.Ordinal));
        Assert.Equal(original, File.ReadAllBytes(indexPath));
    }

    [Fact]
    public void TryOpen_AWrittenIndexFile_ReadsBackTheFencesOfEveryBlockAsWritten()
    {
        EventLogOptions options = CreateLogOfSeveralBlocks();
        (long first, string path) = EventSegmentFiles.List(options.Directory)[0];
        string indexPath = _temp.Combine("rebuilt.idx");
        var builder = new SegmentIndexBuilder(IndexKeyHash.Fnv1a64, first);
        builder.BuildFile(path, indexPath, options.MaxRecordBytes); // leaves its entries sorted as written
        var streams = new List<(ulong, long)>();
        var types = new List<(ulong, long)>();
        var producers = new List<(ulong, long)>();
        for (int i = 0; i < builder.Count; i += SealedSegmentIndex.BlockEntries)
        {
            streams.Add((builder.Streams[i].Hash, builder.Streams[i].Version));
            types.Add((builder.Types[i].Key, builder.Types[i].Position));
            producers.Add((builder.Producers[i].Key, builder.Producers[i].Position));
        }

        SealedSegmentIndex? file = SealedSegmentIndex.TryOpen(indexPath, first, new FileInfo(path).Length, IndexKeyHash.Fnv1a64, out string? problem);

        Assert.NotNull(file);
        Assert.Null(problem);
        Assert.True(streams.Count >= 3);
        Assert.Equal(streams, file.ReadFences(0));
        Assert.Equal(types, file.ReadFences(1));
        Assert.Equal(producers, file.ReadFences(2));
        Assert.Equal(File.ReadAllBytes(EventSegmentFiles.IndexPath(path)), File.ReadAllBytes(indexPath));
        file.CloseFile();
    }

    // A version-1 file as that build wrote it but for its body: the version-2 file with version 1 in its sealed header.
    private static void MakeVersionOne(string indexPath)
    {
        byte[] bytes = File.ReadAllBytes(indexPath);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), 1);
        CheckedHeader.Seal(bytes.AsSpan(0, EventIndexHeader.Size), EventIndexHeader.Size);
        File.WriteAllBytes(indexPath, bytes);
    }

    [Fact]
    public void ReadStream_VersionOneIndexFile_RebuildsItAsStaleAndLogsAWarning()
    {
        EventLogOptions options = CreateLog();
        string indexPath = SealedIndexPath(options, 1);
        byte[] original = File.ReadAllBytes(indexPath);
        MakeVersionOne(indexPath);
        var logger = new ListLogger();

        List<StoredEvent> events = Drain(new EventIndex(options, logger).ReadStream(Stream(3)));

        Assert.Equal(Scan(options, e => e.StreamId.AsSpan().SequenceEqual(Stream(3))), Positions(events));
        (LogLevel level, int _, string message) = Assert.Single(logger.Entries, e => e.EventId == 1206);
        Assert.Equal(LogLevel.Warning, level);
        Assert.Contains(indexPath, message, StringComparison.Ordinal);
        Assert.Contains("format version 1, stale", message, StringComparison.Ordinal);
        Assert.Equal(original, File.ReadAllBytes(indexPath));
    }

    [Fact]
    public void Open_VersionOneIndexFiles_RebuildsThemAsStaleAndLogsAWarningEach()
    {
        EventLogOptions options = CreateLog();
        List<(long FirstPosition, string Path)> segments = EventSegmentFiles.List(options.Directory);
        var originals = segments.SkipLast(1).Select(s => File.ReadAllBytes(EventSegmentFiles.IndexPath(s.Path))).ToList();
        foreach ((long _, string path) in segments.SkipLast(1))
        {
            MakeVersionOne(EventSegmentFiles.IndexPath(path));
        }

        var logger = new ListLogger();

        EventLogWriter.Open(options, logger).Dispose();

        Assert.Equal(originals, segments.SkipLast(1).Select(s => File.ReadAllBytes(EventSegmentFiles.IndexPath(s.Path))).ToList());
        Assert.Equal(segments.Count - 1, logger.Entries.Count(e => e.EventId == 1206 && e.Level == LogLevel.Warning && e.Message.Contains("format version 1, stale", StringComparison.Ordinal)));
    }

    // The prefetch after a slow first copy is a timing heuristic; forced on for every segment, the answers are the same.
    [Fact]
    public void ReadStream_PrefetchForcedForEverySegment_ReturnsTheSameEvents()
    {
        EventLogOptions options = CreateLogOfSeveralBlocks();
        using var index = new EventIndex(options) { SlowCopyTicks = -1 };

        for (int stream = 0; stream < 5; stream++) // the first read of each segment uses positional reads, the others its mapping
        {
            using EventIndexCursor cursor = index.ReadStream(Stream(stream));
            var events = new List<StoredEvent>();
            while (cursor.TryRead(out EventRecord record))
            {
                events.Add(StoredEvent.From(record));
            }

            Assert.Equal(Scan(options, e => e.StreamId.AsSpan().SequenceEqual(Stream(stream))), Positions(events));
            Assert.All(events, e => Assert.Equal(Encoding.UTF8.GetBytes("payload-" + e.Position.ToString(CultureInfo.InvariantCulture)), e.Payload));
            Assert.Equal(EventSegmentFiles.List(options.Directory).Count, cursor.PrefetchCount); // mapped or positional reads
        }
    }

    [Fact]
    public void ReadStream_SealedSegments_AreReadWithPositionalReadsTheFirstTimeAndMappedFromTheSecond()
    {
        EventLogOptions options = CreateLog();
        using var index = new EventIndex(options);

        List<long> first = Positions(Drain(index.ReadStream(Stream(1))));
        int mappedAfterFirst = index.MappedSegmentCount;
        List<long> second = Positions(Drain(index.ReadStream(Stream(1))));

        List<long> expected = Scan(options, e => e.StreamId.AsSpan().SequenceEqual(Stream(1)));
        Assert.Equal(expected, first);
        Assert.Equal(expected, second);
        Assert.Equal(0, mappedAfterFirst);
        Assert.Equal(EventSegmentFiles.List(options.Directory).Count - 1, index.MappedSegmentCount);
    }

    [Theory]
    [InlineData(0, 1)]        // before the first event (timestamp of event 1 is BaseTicks)
    [InlineData(10, 2)]       // exactly on the timestamp events 2 and 3 share: the first of them
    [InlineData(15, 4)]       // between events 3 (10) and 4 (20)
    [InlineData(5000, 1000)]  // exactly on the last event's timestamp
    [InlineData(2570, 514)]   // inside a sealed segment, on an interval boundary of nothing in particular
    public void TryFindPosition_ATimestamp_ReturnsTheFirstEventAtOrAfterIt(long ticksAfterBase, long expected)
    {
        EventLogOptions options = CreateLog();
        long ticks = BaseTicks + ticksAfterBase;

        bool found = new EventIndex(options).TryFindPosition(ticks, out long position);

        Assert.True(found);
        Assert.Equal(expected, position);
        Assert.Equal(Scan(options, e => e.TimestampTicks >= ticks, 1, 1), new List<long> { position });
    }

    [Fact]
    public void TryFindPosition_BeforeTheFirstEventByALot_ReturnsPositionOne()
    {
        EventLogOptions options = CreateLog();

        bool found = new EventIndex(options).TryFindPosition(long.MinValue, out long position);

        Assert.True(found);
        Assert.Equal(1, position);
    }

    [Fact]
    public void TryFindPosition_AfterTheLastEvent_ReturnsFalse()
    {
        EventLogOptions options = CreateLog();

        bool found = new EventIndex(options).TryFindPosition(Timestamp(Count) + 1, out long position);

        Assert.False(found);
        Assert.Equal(0, position);
    }

    [Fact]
    public void TryFindPosition_BetweenEveryTimestampInSegmentsOfManyTimeEntries_ReturnsTheFirstEventAtOrAfterIt()
    {
        // 64 KiB segments hold about 800 events: several time entries (one per 256 records) per segment.
        EventLogOptions options = CreateLog(count: 6000, segmentSizeBytes: 64 * 1024);
        var index = new EventIndex(options);
        var failures = new List<string>();

        for (long n = 1; n <= 6000; n++)
        {
            long ticks = Timestamp(n) - 5;
            long expected = Math.Max(1, 2 * (n / 2)); // events 2k and 2k+1 share timestamp k * 10
            if (!index.TryFindPosition(ticks, out long position) || position != expected)
            {
                failures.Add($"ticks base+{ticks - BaseTicks}: {position}, expected {expected}");
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public void ReadStream_LiveWriterAppendsAndRolls_SeesTheNewEvents()
    {
        EventLogOptions options = EventLogTestData.Options(_temp.Combine("events"), segmentSizeBytes: 8192);
        using EventLogWriter writer = EventLogWriter.Open(options);
        Append(writer, 1, 30);
        writer.Flush();
        var index = new EventIndex(options);
        Assert.Equal(6, Drain(index.ReadStream(Stream(0))).Count);

        Append(writer, 31, 470);
        writer.Flush();
        List<long> positions = Positions(Drain(index.ReadStream(Stream(0))));

        Assert.Equal(100, positions.Count);
        Assert.Equal(Scan(options, e => e.StreamId.AsSpan().SequenceEqual(Stream(0))), positions);
        Assert.True(index.TryFindPosition(Timestamp(500), out long last));
        Assert.Equal(500, last);
    }

    [Fact]
    public void Queries_AfterATornTailIsRepaired_MatchTheRepairedLog()
    {
        EventLogOptions options = CreateLog();
        string active = EventSegmentFiles.List(options.Directory)[^1].Path;
        var index = new EventIndex(options);
        Assert.Equal(200, Drain(index.ReadStream(Stream(1))).Count);
        // A crash in the middle of a write: part of a record (event 1001, of stream 1) at the end of the last segment.
        using (FileStream file = new(active, FileMode.Append))
        {
            byte[] torn = new byte[40];
            BitConverter.TryWriteBytes(torn, 100);
            file.Write(torn);
        }

        Assert.Equal(200, Drain(index.ReadStream(Stream(1))).Count); // the partial record is not indexed

        using (EventLogWriter writer = EventLogWriter.Open(options))
        {
            Assert.True(writer.Recovery.TruncatedTornTail);
            Append(writer, 1001, 12);
        }

        List<long> expected = Scan(options, e => e.StreamId.AsSpan().SequenceEqual(Stream(1)));
        Assert.Equal(expected, Positions(Drain(index.ReadStream(Stream(1)))));
        Assert.Equal(expected, Positions(Drain(new EventIndex(options).ReadStream(Stream(1)))));
        Assert.Equal(Scan(options, e => e.ProducerId == 3), Positions(Drain(index.ReadProducer(3))));
        Assert.True(index.TryFindPosition(Timestamp(1012), out long position));
        Assert.Equal(1012, position);
    }

    [Fact]
    public void ReadStream_InvalidArguments_Throw()
    {
        EventLogOptions options = CreateLog(count: 300);
        var index = new EventIndex(options);

        Assert.Throws<ArgumentException>(() => index.ReadStream(ReadOnlySpan<byte>.Empty));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.ReadStream("s"u8, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.ReadType("t"u8, 1, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.ReadProducer(1, 0));
    }

    [Fact]
    public void ReadStream_MoreSealedSegmentsThanTheLimits_KeepsAtMostTheLimitsOpenAndReadsEverything()
    {
        EventLogOptions options = CreateLog();
        int sealedSegments = EventSegmentFiles.List(options.Directory).Count - 1;
        Assert.True(sealedSegments > 3);
        using var index = new EventIndex(options) { OpenSegmentLimit = 2, MappedSegmentLimit = 3, PositionalReadsBeforeMapping = 0 };

        var failures = new List<string>();
        for (int stream = 0; stream < 5; stream++)
        {
            List<long> positions = Positions(Drain(index.ReadStream(Stream(stream))));
            if (!positions.SequenceEqual(Scan(options, e => e.StreamId.AsSpan().SequenceEqual(Stream(stream)))))
            {
                failures.Add($"stream {stream}: {positions.Count} events");
            }

            if (index.OpenSegmentCount > 2 || index.MappedSegmentCount != 3)
            {
                failures.Add($"stream {stream}: {index.OpenSegmentCount} index files open, {index.MappedSegmentCount} segments mapped");
            }
        }

        Assert.Empty(failures);
        Assert.Equal(sealedSegments, index.SealedCount);
    }

    [Fact]
    public void Dispose_ClosesEverythingAndTheIndexStaysUsable()
    {
        EventLogOptions options = CreateLog();
        var index = new EventIndex(options) { PositionalReadsBeforeMapping = 0 }; // maps from the first read
        List<long> expected = Scan(options, e => e.StreamId.AsSpan().SequenceEqual(Stream(3)));
        Assert.Equal(expected, Positions(Drain(index.ReadStream(Stream(3)))));
        Assert.True(index.MappedSegmentCount > 0);

        index.Dispose();

        Assert.Equal(0, index.OpenSegmentCount);
        Assert.Equal(0, index.MappedSegmentCount);
        Assert.Equal(expected, Positions(Drain(index.ReadStream(Stream(3)))));
        index.Dispose();
    }

    [Fact]
    public void Dispose_WhileACursorReadsAMappedSegment_TheCursorStillReadsEverything()
    {
        EventLogOptions options = CreateLog();
        using var index = new EventIndex(options) { PositionalReadsBeforeMapping = 0 }; // maps from the first read
        List<long> expected = Scan(options, e => e.StreamId.AsSpan().SequenceEqual(Stream(2)));
        var positions = new List<long>();
        using EventIndexCursor cursor = index.ReadStream(Stream(2));
        Assert.True(cursor.TryRead(out EventRecord first));
        positions.Add(first.Position);

        index.Dispose(); // unmaps the segment the cursor is in only when the cursor moves on
        while (cursor.TryRead(out EventRecord record))
        {
            positions.Add(record.Position);
        }

        Assert.Equal(expected, positions);
    }

    [Fact]
    public void ReadStream_SegmentSealedAfterItWasIndexedInMemory_ReadsItThroughItsMapping()
    {
        EventLogOptions options = EventLogTestData.Options(_temp.Combine("events"), segmentSizeBytes: 8192);
        using EventLogWriter writer = EventLogWriter.Open(options);
        Append(writer, 1, 30);
        writer.Flush();
        Assert.Single(EventSegmentFiles.List(options.Directory));
        using var index = new EventIndex(options) { PositionalReadsBeforeMapping = 0 }; // maps from the first read
        Assert.Equal(6, Drain(index.ReadStream(Stream(0))).Count);
        Assert.Equal(0, index.MappedSegmentCount); // the last segment is read with positional reads

        Append(writer, 31, 470);
        writer.Flush();
        List<long> positions = Positions(Drain(index.ReadStream(Stream(0))));

        Assert.Equal(Scan(options, e => e.StreamId.AsSpan().SequenceEqual(Stream(0))), positions);
        Assert.Equal(EventSegmentFiles.List(options.Directory).Count - 1, index.MappedSegmentCount);
    }

    [Theory]
    [InlineData(0)]   // the length prefix: not a plausible record length
    [InlineData(60)]  // inside the type: the CRC no longer matches
    public void ReadStream_DamagedRecordInAMappedSegment_ThrowsWithFileAndOffset(int byteInRecord)
    {
        EventLogOptions options = CreateLog();
        string segment = EventSegmentFiles.List(options.Directory)[1].Path;
        long offset = -1;
        long position = 0;
        using (var clean = new EventIndex(options))
        using (EventIndexCursor cursor = clean.ReadStream(Stream(4)))
        {
            while (cursor.TryRead(out EventRecord record))
            {
                if (record.Position >= EventSegmentFiles.List(options.Directory)[1].FirstPosition)
                {
                    offset = record.Offset;
                    position = record.Position;
                    break;
                }
            }
        }

        EventLogTestData.FlipBit(segment, offset + byteInRecord, 6);
        using var index = new EventIndex(options) { PositionalReadsBeforeMapping = 0 }; // maps from the first read

        EventLogCorruptedException ex = Assert.Throws<EventLogCorruptedException>(() => Drain(index.ReadStream(Stream(4))));

        Assert.Equal(segment, ex.File);
        Assert.Equal(offset, ex.Offset);
        Assert.Equal(position, ex.Position);
        Assert.True(index.MappedSegmentCount >= 2);
    }
}
