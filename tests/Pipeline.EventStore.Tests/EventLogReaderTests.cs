using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Pipeline.EventStore.Internal;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.EventStore.Tests;

public sealed class EventLogReaderTests : IDisposable
{
    private const int Count = 1000;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    // 1000 events over many 8 KiB segments.
    private EventLogOptions CreateLog(int count = Count)
    {
        EventLogOptions options = EventLogTestData.Options(_temp.Combine("events"), segmentSizeBytes: 8192);
        EventLogTestData.Create(options, count);
        Assert.True(EventSegmentFiles.List(options.Directory).Count >= 10);
        return options;
    }

    private static List<long> Positions(List<StoredEvent> events) => events.ConvertAll(e => e.Position);

    private static List<long> Range(long from, long to, int step = 1)
    {
        var positions = new List<long>();
        for (long p = from; step > 0 ? p <= to : p >= to; p += step)
        {
            positions.Add(p);
        }

        return positions;
    }

    [Fact]
    public void ReadForward_FromOne_ReadsEveryEventAcrossSegments()
    {
        EventLogOptions options = CreateLog();

        List<StoredEvent> events = EventLogTestData.ReadForward(options);

        Assert.Equal(Range(1, Count), Positions(events));
        Assert.All(events, e => Assert.True(EventLogTestData.IsEvent(e, e.Position), $"event {e.Position}"));
    }

    [Theory]
    [InlineData(1, 10)]
    [InlineData(137, 50)]
    [InlineData(990, 100)]
    [InlineData(1000, 1)]
    [InlineData(500, 0)]
    public void ReadForward_FromAPositionWithMaxCount_ReadsThatManyInOrder(long from, int maxCount)
    {
        EventLogOptions options = CreateLog();

        List<StoredEvent> events = EventLogTestData.ReadForward(options, from, maxCount);

        Assert.Equal(Range(from, Math.Min(Count, from + maxCount - 1)), Positions(events));
        Assert.All(events, e => Assert.True(EventLogTestData.IsEvent(e, e.Position)));
    }

    [Theory]
    [InlineData(1001)]
    [InlineData(5000)]
    [InlineData(long.MaxValue)]
    public void ReadForward_PastTheHead_ReadsNothing(long from)
    {
        EventLogOptions options = CreateLog();

        List<StoredEvent> events = EventLogTestData.ReadForward(options, from);

        Assert.Empty(events);
    }

    [Fact]
    public void ReadForward_EmptyOrMissingLog_ReadsNothing()
    {
        EventLogOptions missing = EventLogTestData.Options(_temp.Combine("nothing-here"));
        EventLogOptions empty = EventLogTestData.Options(_temp.Combine("events"));
        EventLogWriter.Open(empty).Dispose();

        Assert.Empty(EventLogTestData.ReadForward(missing));
        Assert.Empty(EventLogTestData.ReadForward(empty));
        Assert.Empty(EventLogTestData.ReadBackward(missing, long.MaxValue));
        Assert.Empty(EventLogTestData.ReadBackward(empty, long.MaxValue));
    }

    [Fact]
    public void ReadBackward_FromTheHead_ReadsEveryEventNewestFirst()
    {
        EventLogOptions options = CreateLog();

        List<StoredEvent> events = EventLogTestData.ReadBackward(options, Count);

        Assert.Equal(Range(Count, 1, -1), Positions(events));
        Assert.All(events, e => Assert.True(EventLogTestData.IsEvent(e, e.Position), $"event {e.Position}"));
    }

    [Theory]
    [InlineData(1000, 10)]
    [InlineData(517, 100)]
    [InlineData(5, 100)]
    [InlineData(1, 1)]
    [InlineData(400, 0)]
    public void ReadBackward_FromAPositionWithMaxCount_ReadsThatManyNewestFirst(long from, int maxCount)
    {
        EventLogOptions options = CreateLog();

        List<StoredEvent> events = EventLogTestData.ReadBackward(options, from, maxCount);

        Assert.Equal(Range(from, Math.Max(1, from - maxCount + 1), -1).Take(maxCount).ToList(), Positions(events));
        Assert.All(events, e => Assert.True(EventLogTestData.IsEvent(e, e.Position)));
    }

    [Theory]
    [InlineData(1001)]
    [InlineData(long.MaxValue)]
    public void ReadBackward_PastTheHead_StartsAtTheLastEvent(long from)
    {
        EventLogOptions options = CreateLog();

        List<StoredEvent> events = EventLogTestData.ReadBackward(options, from, 3);

        Assert.Equal([1000L, 999L, 998L], Positions(events));
    }

    [Fact]
    public void ReadBackward_PastTheHeadWhenTheLastSegmentIsEmpty_StartsInThePreviousSegment()
    {
        EventLogOptions options = CreateLog();
        File.WriteAllBytes(EventSegmentFiles.SegmentPath(options.Directory, Count + 1), []);
        EventLogWriter.Open(options).Dispose(); // writes the empty segment's header

        List<StoredEvent> events = EventLogTestData.ReadBackward(options, long.MaxValue, 2);

        Assert.Equal([1000L, 999L], Positions(events));
    }

    [Fact]
    public void ReadForward_SecondReadFromAPassedPosition_UsesTheLearntIndex()
    {
        EventLogOptions options = CreateLog();
        var reader = new EventLogReader(options);
        using (EventLogCursor all = reader.ReadForward(1))
        {
            while (all.TryRead(out _))
            {
            }
        }

        using EventLogCursor cursor = reader.ReadForward(997, 1);
        bool read = cursor.TryRead(out EventRecord record);

        Assert.True(read);
        Assert.Equal(997, record.Position);
        long lastSegmentFirst = EventSegmentFiles.List(options.Directory)[^1].FirstPosition;
        Assert.True(reader.IndexEntries(1) > 1);
        Assert.True(reader.IndexEntries(lastSegmentFirst) >= 1);
    }

    [Fact]
    public void TryRead_ForwardCursorAtTheHead_FollowsTheWriter()
    {
        EventLogOptions options = EventLogTestData.Options(_temp.Combine("events"), segmentSizeBytes: 8192);
        using EventLogWriter writer = EventLogWriter.Open(options);
        using EventLogCursor cursor = new EventLogReader(options).ReadForward(1);
        var seen = new List<long>();

        for (int batch = 0; batch < 20; batch++)
        {
            EventLogTestData.Append(writer, (batch * 50) + 1, 50);
            writer.Flush();
            while (cursor.TryRead(out EventRecord record))
            {
                seen.Add(record.Position);
            }
        }

        Assert.Equal(Range(1, 1000), seen);
        Assert.True(EventSegmentFiles.List(options.Directory).Count >= 10);
    }

    [Fact]
    public void TryRead_ForwardOverAFlippedBitInASealedSegment_ThrowsNamingTheFileAndOffset()
    {
        EventLogOptions options = CreateLog();
        List<StoredEvent> events = EventLogTestData.ReadForward(options);
        string first = EventSegmentFiles.List(options.Directory)[0].Path;
        StoredEvent victim = events[5];
        EventLogTestData.FlipBit(first, victim.Offset + 20, 1);

        EventLogCorruptedException ex = Assert.Throws<EventLogCorruptedException>(() => EventLogTestData.ReadForward(options));

        Assert.Equal((first, victim.Offset, 6L), (ex.File, ex.Offset, ex.Position));
    }

    [Fact]
    public void TryRead_BackwardOverAFlippedBit_ThrowsNamingTheFileAndOffset()
    {
        EventLogOptions options = CreateLog();
        List<StoredEvent> events = EventLogTestData.ReadForward(options);
        string first = EventSegmentFiles.List(options.Directory)[0].Path;
        StoredEvent victim = events[5];
        EventLogTestData.FlipBit(first, victim.Offset + 20, 1);

        EventLogCorruptedException ex = Assert.Throws<EventLogCorruptedException>(() => EventLogTestData.ReadBackward(options, 20));

        Assert.Equal((first, victim.Offset, 6L), (ex.File, ex.Offset, ex.Position));
    }

    [Fact]
    public void ReadForward_PositionBelowOne_Throws()
    {
        var reader = new EventLogReader(EventLogTestData.Options(_temp.Path));

        Assert.Throws<ArgumentOutOfRangeException>(() => reader.ReadForward(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => reader.ReadBackward(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => reader.ReadForward(1, -1));
    }
}
