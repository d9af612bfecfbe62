using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Pipeline.EventStore.Format;
using Pipeline.EventStore.Internal;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.EventStore.Tests;

public sealed partial class EventLogWriterTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private EventLogOptions Options(long segmentSizeBytes = 64L * 1024 * 1024) => EventLogTestData.Options(_temp.Combine("events"), segmentSizeBytes);

    [Fact]
    public void Append_EveryField_RoundTripsThroughTheReader()
    {
        EventLogOptions options = Options();
        byte[] maxType = Enumerable.Repeat((byte)'T', 255).ToArray();
        byte[] maxStream = Enumerable.Repeat((byte)'s', 255).ToArray();
        byte[] fullPayload = Enumerable.Range(0, options.MaxPayloadBytes).Select(i => (byte)(i * 31)).ToArray();
        using (EventLogWriter writer = EventLogWriter.Open(options))
        {
            writer.Append(new EventToAppend("a"u8, 1, "T"u8, 0, ReadOnlySpan<byte>.Empty, 1, 0));
            writer.Append(new EventToAppend(maxStream, long.MaxValue, maxType, ushort.MaxValue, fullPayload, long.MaxValue, long.MaxValue, ulong.MaxValue));
            writer.Append(new EventToAppend("konto-ü"u8, 7, "Überwiesen"u8, 3, "{}"u8, long.MaxValue, -5, 42) { ExpectedPosition = 3 });
        }

        List<StoredEvent> events = EventLogTestData.ReadForward(options);

        Assert.Equal(3, events.Count);
        StoredEvent small = events[0];
        Assert.Equal((1L, 1L, 0L, 0UL, 1L, (ushort)0, 32L), (small.Position, small.CommandSequence, small.TimestampTicks, small.ProducerId, small.StreamVersion, small.SchemaVersion, small.Offset));
        Assert.Equal("T"u8.ToArray(), events[0].Type);
        Assert.Equal("a"u8.ToArray(), events[0].StreamId);
        Assert.Empty(events[0].Payload);
        Assert.Equal(EventRecordHeader.MinLength, events[0].Length);
        StoredEvent big = events[1];
        Assert.Equal((2L, long.MaxValue, long.MaxValue, ulong.MaxValue, long.MaxValue, ushort.MaxValue), (big.Position, big.CommandSequence, big.TimestampTicks, big.ProducerId, big.StreamVersion, big.SchemaVersion));
        Assert.Equal(maxType, big.Type);
        Assert.Equal(maxStream, big.StreamId);
        Assert.Equal(fullPayload, big.Payload);
        Assert.Equal(options.MaxRecordBytes, big.Length);
        StoredEvent unicode = events[2];
        Assert.Equal((3L, long.MaxValue, -5L, 42UL, 7L, (ushort)3), (unicode.Position, unicode.CommandSequence, unicode.TimestampTicks, unicode.ProducerId, unicode.StreamVersion, unicode.SchemaVersion));
        Assert.Equal("Überwiesen"u8.ToArray(), unicode.Type);
        Assert.Equal("konto-ü"u8.ToArray(), unicode.StreamId);
        Assert.Equal("{}"u8.ToArray(), unicode.Payload);
    }

    [Fact]
    public void Append_ReturnsContiguousPositionsFromOne()
    {
        using EventLogWriter writer = EventLogWriter.Open(Options());

        long first = writer.Append(new EventToAppend("s"u8, 1, "T"u8, 1, "x"u8, 1, 0));
        long second = writer.Append(new EventToAppend("s"u8, 2, "T"u8, 1, "y"u8, 1, 0));

        Assert.Equal((1L, 2L, 2L), (first, second, writer.LastPosition));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(1)]
    [InlineData(-1)]
    [InlineData(long.MaxValue)]
    public void Append_ExpectedPositionIsNotTheNext_ThrowsAndAppendsNothing(long expectedPosition)
    {
        using EventLogWriter writer = EventLogWriter.Open(Options());
        writer.Append(new EventToAppend("s"u8, 1, "T"u8, 1, "x"u8, 1, 0) { ExpectedPosition = 1 });

        ArgumentException ex = Assert.Throws<ArgumentException>(
            () => writer.Append(new EventToAppend("s"u8, 2, "T"u8, 1, "y"u8, 1, 0) { ExpectedPosition = expectedPosition }));

        Assert.Contains($"expects position {expectedPosition} but the next position is 2", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, writer.LastPosition);
        Assert.Equal(2, writer.Append(new EventToAppend("s"u8, 2, "T"u8, 1, "y"u8, 1, 0) { ExpectedPosition = 2 }));
    }

    [Theory]
    [InlineData("empty type", "type must be 1 to 255 UTF-8 bytes; it is 0")]
    [InlineData("long type", "type must be 1 to 255 UTF-8 bytes; it is 256")]
    [InlineData("empty stream", "stream id must be 1 to 255 UTF-8 bytes; it is 0")]
    [InlineData("long stream", "stream id must be 1 to 255 UTF-8 bytes; it is 256")]
    [InlineData("big payload", "payload is 4097 bytes, above MaxPayloadBytes (4096)")]
    [InlineData("version zero", "stream version must be at least 1")]
    [InlineData("command zero", "command sequence must be at least 1")]
    [InlineData("command backwards", "never below the previous event's (5)")]
    public void Append_FieldBreaksRule_ThrowsWithTheRule(string rule, string message)
    {
        using EventLogWriter writer = EventLogWriter.Open(Options());
        writer.Append(new EventToAppend("s"u8, 1, "T"u8, 1, "x"u8, 5, 0));
        byte[] name256 = new byte[256];
        byte[] payload = new byte[4097];

        ArgumentException ex = Assert.ThrowsAny<ArgumentException>(() =>
        {
            switch (rule)
            {
                case "empty type": writer.Append(new EventToAppend("s"u8, 2, [], 1, "x"u8, 5, 0)); break;
                case "long type": writer.Append(new EventToAppend("s"u8, 2, name256, 1, "x"u8, 5, 0)); break;
                case "empty stream": writer.Append(new EventToAppend([], 2, "T"u8, 1, "x"u8, 5, 0)); break;
                case "long stream": writer.Append(new EventToAppend(name256, 2, "T"u8, 1, "x"u8, 5, 0)); break;
                case "big payload": writer.Append(new EventToAppend("s"u8, 2, "T"u8, 1, payload, 5, 0)); break;
                case "version zero": writer.Append(new EventToAppend("s"u8, 0, "T"u8, 1, "x"u8, 5, 0)); break;
                case "command zero": writer.Append(new EventToAppend("t"u8, 1, "T"u8, 1, "x"u8, 0, 0)); break;
                default: writer.Append(new EventToAppend("s"u8, 2, "T"u8, 1, "x"u8, 4, 0)); break;
            }
        });

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, writer.LastPosition);
    }

    [Fact]
    public void Open_AfterCleanClose_ContinuesAtTheNextPosition()
    {
        EventLogOptions options = Options();
        EventLogTestData.Create(options, 10);

        using (EventLogWriter writer = EventLogWriter.Open(options))
        {
            Assert.Equal(10, writer.LastPosition);
            Assert.False(writer.Recovery.TruncatedTornTail);
            EventLogTestData.Append(writer, 11, 5);
        }

        List<StoredEvent> events = EventLogTestData.ReadForward(options);
        Assert.Equal(15, events.Count);
        Assert.All(events, e => Assert.True(EventLogTestData.IsEvent(e, e.Position)));
        Assert.Equal(Enumerable.Range(1, 15).Select(i => (long)i), events.Select(e => e.Position));
    }

    [Fact]
    public void Open_AfterCleanClose_RejectsACommandSequenceBelowTheLastStoredOne()
    {
        EventLogOptions options = Options();
        EventLogTestData.Create(options, 10);
        using EventLogWriter writer = EventLogWriter.Open(options);

        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Append(new EventToAppend("s"u8, 1, "T"u8, 1, "x"u8, EventLogTestData.CommandSequence(10) - 1, 0)));
    }

    [Fact]
    public void Append_PastTheSegmentSize_RollsToSegmentsNamedByTheirFirstPosition()
    {
        EventLogOptions options = Options(segmentSizeBytes: 8192);

        using (EventLogWriter writer = EventLogWriter.Open(options))
        {
            EventLogTestData.Append(writer, 1, 1000);
        }

        List<(long FirstPosition, string Path)> segments = EventSegmentFiles.List(options.Directory);
        Assert.True(segments.Count >= 10, $"{segments.Count} segments");
        Assert.Equal(1, segments[0].FirstPosition);
        Assert.All(segments, s => Assert.True(new FileInfo(s.Path).Length <= 8192));
        Assert.All(segments, s => Assert.Matches(@"^events-\d{20}\.log$", Path.GetFileName(s.Path)));
        List<StoredEvent> events = EventLogTestData.ReadForward(options);
        Assert.Equal(1000, events.Count);
        for (int i = 1; i < segments.Count; i++)
        {
            StoredEvent firstOfSegment = Assert.Single(events, e => e.Position == segments[i].FirstPosition);
            Assert.Equal(EventSegmentHeader.Size, firstOfSegment.Offset);
        }
    }

    [Fact]
    public void Open_AfterRollsAndCleanClose_ContinuesInTheLastSegment()
    {
        EventLogOptions options = Options(segmentSizeBytes: 8192);
        EventLogTestData.Create(options, 500);
        int segmentsBefore = EventSegmentFiles.List(options.Directory).Count;

        using (EventLogWriter writer = EventLogWriter.Open(options))
        {
            Assert.Equal(500, writer.LastPosition);
            EventLogTestData.Append(writer, 501, 500);
        }

        Assert.True(EventSegmentFiles.List(options.Directory).Count > segmentsBefore);
        List<StoredEvent> events = EventLogTestData.ReadForward(options);
        Assert.Equal(1000, events.Count);
        Assert.All(events, e => Assert.True(EventLogTestData.IsEvent(e, e.Position), $"event {e.Position}"));
    }

    [Fact]
    public void FlushAndFlushToDisk_AdvanceFlushedAndDurablePositions()
    {
        using EventLogWriter writer = EventLogWriter.Open(Options());
        EventLogTestData.Append(writer, 1, 3);
        long flushedBefore = writer.FlushedPosition;

        writer.Flush();
        long flushed = writer.FlushedPosition;
        long durableAfterFlush = writer.DurablePosition;
        EventLogTestData.Append(writer, 4, 2);
        long durable = writer.FlushToDisk();

        Assert.Equal((0L, 3L, 0L, 5L, 5L), (flushedBefore, flushed, durableAfterFlush, durable, writer.DurablePosition));
    }

    [Fact]
    public void Flush_MakesEventsVisibleToAReaderBeforeDispose()
    {
        EventLogOptions options = Options();
        using EventLogWriter writer = EventLogWriter.Open(options);
        EventLogTestData.Append(writer, 1, 3);
        int beforeFlush = EventLogTestData.ReadForward(options).Count;

        writer.Flush();

        Assert.Equal(0, beforeFlush);
        Assert.Equal(3, EventLogTestData.ReadForward(options).Count);
    }

    [Fact]
    public void Open_WhileAnotherWriterHoldsTheLog_ThrowsIOException()
    {
        EventLogOptions options = Options();
        using EventLogWriter first = EventLogWriter.Open(options);

        IOException ex = Assert.Throws<IOException>(() => EventLogWriter.Open(options));

        Assert.Contains("in use by another writer", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Append_AfterDispose_ThrowsObjectDisposed()
    {
        EventLogWriter writer = EventLogWriter.Open(Options());
        writer.Dispose();

        Assert.Throws<ObjectDisposedException>(() => writer.Append(new EventToAppend("s"u8, 1, "T"u8, 1, "x"u8, 1, 0)));
    }
}
