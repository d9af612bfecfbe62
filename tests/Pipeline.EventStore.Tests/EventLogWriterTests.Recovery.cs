using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.Extensions.Logging;
using Pipeline.EventStore.Internal;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.EventStore.Tests;

public sealed partial class EventLogWriterTests
{
    // A one-segment log of ten events; returns the segment, its bytes and the events (with offsets).
    private (EventLogOptions Options, string Segment, byte[] Bytes, List<StoredEvent> Events) CreateTenEventLog()
    {
        EventLogOptions options = Options();
        EventLogTestData.Create(options, 10);
        string segment = Assert.Single(EventSegmentFiles.List(options.Directory)).Path;
        return (options, segment, File.ReadAllBytes(segment), EventLogTestData.ReadForward(options));
    }

    [Fact]
    public void Open_LastRecordCutAtEveryByte_RepairsToThePreviousRecord()
    {
        (EventLogOptions options, string segment, byte[] original, List<StoredEvent> events) = CreateTenEventLog();
        StoredEvent last = events[^1];
        Assert.Equal(original.Length, last.Offset + last.Length);
        var failures = new List<string>();

        for (int cut = 0; cut < last.Length; cut++)
        {
            File.WriteAllBytes(segment, original.AsSpan(0, (int)last.Offset + cut).ToArray());
            var logger = new ListLogger();
            using (EventLogWriter writer = EventLogWriter.Open(options, logger))
            {
                EventLogRecovery recovery = writer.Recovery;
                long keptLength = new FileInfo(segment).Length;
                bool reported = cut == 0
                    ? !recovery.TruncatedTornTail && logger.Entries.TrueForAll(e => e.EventId != 1201)
                    : recovery.TruncatedTornTail && recovery.TruncatedFile == segment && recovery.TruncatedAtOffset == last.Offset
                      && recovery.TruncatedBytes == cut && logger.Entries.Exists(e => e.EventId == 1201 && e.Level == LogLevel.Warning);
                long next = writer.Append(new EventToAppend("s"u8, 1, "T"u8, 1, "after"u8, 100, 0));
                if (writer.LastPosition != 10 || next != 10 || recovery.LastPosition != 9 || keptLength != last.Offset || !reported)
                {
                    failures.Add($"cut {cut}: recovered {recovery}, next {next}, kept {keptLength} bytes, reported {reported}");
                }
            }

            List<StoredEvent> after = EventLogTestData.ReadForward(options);
            bool intact = after.Count == 10 && after[9].Payload.AsSpan().SequenceEqual("after"u8);
            for (int i = 0; intact && i < 9; i++)
            {
                intact = EventLogTestData.IsEvent(after[i], i + 1);
            }

            if (!intact)
            {
                failures.Add($"cut {cut}: the log does not read back as events 1..9 plus the new 10");
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public void Open_SingleBitFlipInAMiddleRecord_ThrowsNamingTheFileAndOffset()
    {
        (EventLogOptions options, string segment, byte[] original, List<StoredEvent> events) = CreateTenEventLog();
        StoredEvent middle = events[4];
        var failures = new List<string>();

        for (int offset = 0; offset < middle.Length; offset++)
        {
            for (int bit = 0; bit < 8; bit++)
            {
                EventLogTestData.FlipBit(segment, middle.Offset + offset, bit);
                EventLogCorruptedException? ex = null;
                try
                {
                    EventLogWriter.Open(options).Dispose();
                }
                catch (EventLogCorruptedException caught)
                {
                    ex = caught;
                }

                if (ex is null)
                {
                    failures.Add($"byte {offset} bit {bit}: opened without error");
                }
                else if (ex.File != segment || ex.Offset != middle.Offset || ex.Position != 5
                    || !ex.Message.Contains(segment, StringComparison.Ordinal) || !ex.Message.Contains($"byte offset {middle.Offset}", StringComparison.Ordinal))
                {
                    failures.Add($"byte {offset} bit {bit}: reported {ex.File} offset {ex.Offset} position {ex.Position}: {ex.Message}");
                }

                File.WriteAllBytes(segment, original);
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public void Open_SingleBitFlipInTheLastRecord_TruncatesItAsATornTail()
    {
        (EventLogOptions options, string segment, byte[] original, List<StoredEvent> events) = CreateTenEventLog();
        StoredEvent last = events[^1];
        var failures = new List<string>();

        for (int offset = 0; offset < last.Length; offset++)
        {
            int bit = offset % 8;
            EventLogTestData.FlipBit(segment, last.Offset + offset, bit);
            using (EventLogWriter writer = EventLogWriter.Open(options))
            {
                if (writer.LastPosition != 9 || new FileInfo(segment).Length != last.Offset || !writer.Recovery.TruncatedTornTail)
                {
                    failures.Add($"byte {offset} bit {bit}: last position {writer.LastPosition}, length {new FileInfo(segment).Length}");
                }
            }

            File.WriteAllBytes(segment, original);
        }

        Assert.Empty(failures);
    }

    [Theory]
    [InlineData("zeros")]
    [InlineData("ones")]
    [InlineData("one byte")]
    [InlineData("start of a record")]
    public void Open_GarbageAfterTheLastRecord_IsTruncated(string garbage)
    {
        (EventLogOptions options, string segment, byte[] original, List<StoredEvent> events) = CreateTenEventLog();
        byte[] tail = garbage switch
        {
            "zeros" => new byte[100],
            "ones" => [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF],
            "one byte" => [0x2A],
            _ => original.AsSpan((int)events[^1].Offset, 30).ToArray(),
        };
        using (var file = new FileStream(segment, FileMode.Append))
        {
            file.Write(tail);
        }

        using EventLogWriter writer = EventLogWriter.Open(options);

        Assert.Equal(10, writer.LastPosition);
        Assert.Equal(tail.Length, writer.Recovery.TruncatedBytes);
        Assert.Equal(original.Length, new FileInfo(segment).Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(28)]
    public void Open_GarbledSegmentHeader_ThrowsAtOffsetZero(int headerByte)
    {
        (EventLogOptions options, string segment, _, _) = CreateTenEventLog();
        EventLogTestData.FlipBit(segment, headerByte, 3);

        EventLogCorruptedException ex = Assert.Throws<EventLogCorruptedException>(() => EventLogWriter.Open(options));

        Assert.Equal(segment, ex.File);
        Assert.Equal(0, ex.Offset);
        Assert.Contains("segment header", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_GarbledHeaderOfASealedSegment_Throws()
    {
        EventLogOptions options = Options(segmentSizeBytes: 8192);
        EventLogTestData.Create(options, 500);
        List<(long FirstPosition, string Path)> segments = EventSegmentFiles.List(options.Directory);
        EventLogTestData.FlipBit(segments[1].Path, 10, 0);

        EventLogCorruptedException ex = Assert.Throws<EventLogCorruptedException>(() => EventLogWriter.Open(options));

        Assert.Equal(segments[1].Path, ex.File);
        Assert.Equal(0, ex.Offset);
    }

    [Fact]
    public void Open_SealedSegmentShorterThanItsHeader_Throws()
    {
        EventLogOptions options = Options(segmentSizeBytes: 8192);
        EventLogTestData.Create(options, 500);
        List<(long FirstPosition, string Path)> segments = EventSegmentFiles.List(options.Directory);
        using (var file = new FileStream(segments[0].Path, FileMode.Open))
        {
            file.SetLength(10);
        }

        EventLogCorruptedException ex = Assert.Throws<EventLogCorruptedException>(() => EventLogWriter.Open(options));

        Assert.Equal(segments[0].Path, ex.File);
        Assert.Contains("shorter than the 32-byte segment header", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_DamagedLastRecordOfASealedSegment_Throws()
    {
        EventLogOptions options = Options(segmentSizeBytes: 8192);
        EventLogTestData.Create(options, 500);
        List<(long FirstPosition, string Path)> segments = EventSegmentFiles.List(options.Directory);
        long length = new FileInfo(segments[0].Path).Length;
        EventLogTestData.FlipBit(segments[0].Path, length - 10, 2);

        EventLogCorruptedException ex = Assert.Throws<EventLogCorruptedException>(() => EventLogWriter.Open(options));

        Assert.Equal(segments[0].Path, ex.File);
    }

    [Fact]
    public void Open_MissingMiddleSegment_ThrowsNamingTheGap()
    {
        EventLogOptions options = Options(segmentSizeBytes: 8192);
        EventLogTestData.Create(options, 500);
        List<(long FirstPosition, string Path)> segments = EventSegmentFiles.List(options.Directory);
        File.Delete(segments[1].Path);

        EventLogCorruptedException ex = Assert.Throws<EventLogCorruptedException>(() => EventLogWriter.Open(options));

        Assert.Equal(segments[2].Path, ex.File);
        Assert.Equal(segments[1].FirstPosition, ex.Position);
        Assert.Contains("gap", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_EmptyLastSegmentFile_WritesItsHeaderAgainAndContinues()
    {
        EventLogOptions options = Options(segmentSizeBytes: 8192);
        EventLogTestData.Create(options, 500);
        string next = EventSegmentFiles.SegmentPath(options.Directory, 501);
        File.WriteAllBytes(next, []); // a crash between creating the next segment and writing its header

        using (EventLogWriter writer = EventLogWriter.Open(options))
        {
            Assert.Equal(500, writer.LastPosition);
            EventLogTestData.Append(writer, 501, 10);
        }

        Assert.Equal(510, EventLogTestData.ReadForward(options).Count);
    }
}
