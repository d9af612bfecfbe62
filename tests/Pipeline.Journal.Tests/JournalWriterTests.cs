using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using Pipeline.Journal.Format;
using Pipeline.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Pipeline.Journal.Tests;

public sealed partial class JournalWriterTests : IDisposable
{
    private static readonly DateTimeOffset s_start = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _temp = new();
    private readonly ITestOutputHelper _output;

    public JournalWriterTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public void Dispose() => _temp.Dispose();

    private JournalOptions Options(DurabilityPolicy durability = DurabilityPolicy.Batch, TimeSpan? flushInterval = null, int writeBufferBytes = 64 * 1024) =>
        TestJournalOptions.Small(_temp.Combine("journal"), durability, flushInterval, writeBufferBytes);

    [Fact]
    public void Append_OnNewJournal_AssignsSequencesFromOneWithoutGaps()
    {
        using JournalWriter writer = JournalWriter.Open(Options());
        var sequences = new List<long>();

        for (int i = 0; i < 100; i++)
        {
            sequences.Add(writer.Append(JournalTestData.Type, 1, 0, 0, JournalTestData.Payload(i + 1)));
        }

        writer.Commit();

        for (int i = 0; i < sequences.Count; i++)
        {
            Assert.Equal(i + 1, sequences[i]);
        }

        Assert.Equal(100, writer.LastSequence);
        Assert.Equal(100, JournalFiles.ReadAll(writer.Options.Directory).Count);
    }

    [Fact]
    public void Open_ExistingJournal_ContinuesAtLastSequencePlusOne()
    {
        JournalOptions options = Options();
        JournalTestData.CreateJournal(options, 42);

        long next;
        long last;
        using (JournalWriter writer = JournalWriter.Open(options))
        {
            last = writer.LastSequence;
            next = writer.Append(JournalTestData.Type, 1, 0, 0, JournalTestData.Payload(43));
            writer.Commit();
        }

        Assert.Equal(42, last);
        Assert.Equal(43, next);
        List<StoredRecord> records = JournalFiles.ReadAll(options.Directory);
        Assert.Equal(43, records.Count);
        Assert.Equal(JournalTestData.Payload(43), records[^1].Payload);
    }

    [Fact]
    public void Open_ExistingJournal_DurableSequenceStartsAtLastSequence()
    {
        JournalOptions options = Options();
        JournalTestData.CreateJournal(options, 10);

        using JournalWriter writer = JournalWriter.Open(options);

        Assert.Equal(10, writer.DurableSequence.Value);
        Assert.Equal(1, writer.FirstSequence);
    }

    [Fact]
    public void Append_WhenWallClockGoesBackwards_TimestampsNeverDecrease()
    {
        var clock = new ManualTimeProvider(s_start);
        JournalOptions options = Options();
        long[] offsetsSeconds = [0, 10, 5, -100, 20, 20, 3, 30];

        using (JournalWriter writer = JournalWriter.Open(options, logger: null, time: clock))
        {
            foreach (long offset in offsetsSeconds)
            {
                clock.SetUtcNow(s_start.AddSeconds(offset));
                writer.Append(JournalTestData.Type, 1, 0, 0, JournalTestData.Payload(writer.LastSequence + 1));
            }

            writer.Commit();
        }

        List<StoredRecord> records = JournalFiles.ReadAll(options.Directory);
        long[] expectedSeconds = [0, 10, 10, 10, 20, 20, 20, 30];
        Assert.Equal(expectedSeconds.Length, records.Count);
        for (int i = 0; i < records.Count; i++)
        {
            Assert.Equal(s_start.AddSeconds(expectedSeconds[i]).UtcTicks, records[i].TimestampTicks);
        }
    }

    [Fact]
    public void Append_AfterReopenWithEarlierClock_KeepsTheRecoveredTimestamp()
    {
        var clock = new ManualTimeProvider(s_start.AddHours(1));
        JournalOptions options = Options();
        using (JournalWriter writer = JournalWriter.Open(options, logger: null, time: clock))
        {
            JournalTestData.AppendNumbered(writer, 3);
            writer.Commit();
        }

        clock.SetUtcNow(s_start);
        using (JournalWriter writer = JournalWriter.Open(options, logger: null, time: clock))
        {
            JournalTestData.AppendNumbered(writer, 2);
            writer.Commit();

            Assert.Equal(s_start.AddHours(1).UtcTicks, writer.LastTimestampTicks);
        }

        List<StoredRecord> records = JournalFiles.ReadAll(options.Directory);
        Assert.All(records, r => Assert.Equal(s_start.AddHours(1).UtcTicks, r.TimestampTicks));
    }

    [Fact]
    public void Append_RecordAboveMaxRecordBytes_ThrowsArgumentException()
    {
        using JournalWriter writer = JournalWriter.Open(Options());
        int largestPayload = TestJournalOptions.MaxRecordBytes - RecordHeader.Size - JournalTestData.TypeName.Length;

        long accepted = writer.Append(JournalTestData.Type, 1, 0, 0, new byte[largestPayload]);
        ArgumentException ex = Assert.Throws<ArgumentException>(
            () => writer.Append(JournalTestData.Type, 1, 0, 0, new byte[largestPayload + 1]));

        Assert.Equal(1, accepted);
        Assert.Equal("payload", ex.ParamName);
        Assert.Equal(1, writer.LastSequence);
        Assert.Null(writer.Fault);
    }

    [Fact]
    public void Append_TypeLongerThan65535Bytes_ThrowsArgumentException()
    {
        using JournalWriter writer = JournalWriter.Open(Options());

        ArgumentException ex = Assert.Throws<ArgumentException>(
            () => writer.Append(new byte[ushort.MaxValue + 1], 1, 0, 0, ReadOnlySpan<byte>.Empty));

        Assert.Equal("type", ex.ParamName);
        Assert.Equal(0, writer.LastSequence);
    }

    [Fact]
    public void Append_PastSegmentSize_RollsSegmentsAndIndexesEverySealedOne()
    {
        JournalOptions options = Options();
        const int Count = 3000; // about 300 KB of records: five 64 KiB segments or more

        using (JournalWriter writer = JournalWriter.Open(options))
        {
            for (int batch = 0; batch < Count / 100; batch++)
            {
                JournalTestData.AppendNumbered(writer, 100);
                writer.Commit();
            }
        }

        List<(long FirstSequence, string Path)> segments = JournalFiles.Segments(options.Directory);
        Assert.True(segments.Count >= 4, $"expected several segments, found {segments.Count}");
        Assert.Equal(1, segments[0].FirstSequence);
        for (int i = 0; i < segments.Count; i++)
        {
            (long first, string path) = segments[i];
            long length = new FileInfo(path).Length;
            Assert.True(length <= options.SegmentSizeBytes, $"{path} is {length} bytes");
            string indexPath = JournalFiles.IndexPath(path);
            if (i == segments.Count - 1)
            {
                Assert.False(File.Exists(indexPath), "the active segment has no index yet");
                continue;
            }

            Assert.True(SegmentIndexFile.TryRead(indexPath, out SegmentIndexData index), indexPath);
            Assert.Equal(first, index.FirstSequence);
            Assert.Equal(segments[i + 1].FirstSequence - 1, index.LastSequence);
            Assert.Equal(length, index.EndPosition);
            Assert.Equal(first, index.Sequences[0]);
            Assert.Equal(SegmentHeader.Size, index.Positions[0]);

            // A full segment: the next record would not have fit.
            Assert.True(length + JournalTestData.RecordBytes() > options.SegmentSizeBytes);
        }

        List<StoredRecord> records = JournalFiles.ReadAll(options.Directory);
        Assert.Equal(Count, records.Count);
        for (int i = 0; i < Count; i++)
        {
            Assert.Equal(i + 1, records[i].Sequence);
        }
    }

    [Fact]
    public void Commit_WithBatchDurability_AdvancesDurableSequenceOnlyOnCommit()
    {
        var io = new FaultInjectingSegmentIO();
        using JournalWriter writer = JournalWriter.Open(Options(DurabilityPolicy.Batch), io);

        JournalTestData.AppendNumbered(writer, 5);
        long beforeCommit = writer.DurableSequence.Value;
        long committed = writer.Commit();
        JournalTestData.AppendNumbered(writer, 3);
        long afterAppend = writer.DurableSequence.Value;
        long committedAgain = writer.Commit();

        Assert.Equal(0, beforeCommit);
        Assert.Equal(5, committed);
        Assert.Equal(5, afterAppend);
        Assert.Equal(8, committedAgain);
        Assert.Equal(8, writer.DurableSequence.Value);
        Assert.Equal(2, io.Flushes); // one fsync per commit: group commit
    }

    [Fact]
    public void Commit_WithNothingNew_DoesNotFsyncAgain()
    {
        var io = new FaultInjectingSegmentIO();
        using JournalWriter writer = JournalWriter.Open(Options(DurabilityPolicy.Batch), io);
        JournalTestData.AppendNumbered(writer, 5);
        writer.Commit();

        long durable = writer.Commit();

        Assert.Equal(5, durable);
        Assert.Equal(1, io.Writes);
        Assert.Equal(1, io.Flushes);
    }

    [Fact]
    public void Commit_WithNoDurability_AdvancesDurableSequenceWithoutFsync()
    {
        var io = new FaultInjectingSegmentIO();
        using JournalWriter writer = JournalWriter.Open(Options(DurabilityPolicy.None), io);

        JournalTestData.AppendNumbered(writer, 7);
        long beforeCommit = writer.DurableSequence.Value;
        long committed = writer.Commit();

        Assert.Equal(0, beforeCommit);
        Assert.Equal(7, committed);
        Assert.Equal(1, io.Writes);
        Assert.Equal(0, io.Flushes);
    }

    [Fact]
    public void DurableSequence_WithIntervalDurability_AdvancesWithoutAnotherCommit()
    {
        // The commit path reads a frozen clock, so it never decides the interval has passed: only the flusher syncs.
        var clock = new ManualTimeProvider(s_start);
        var io = new FaultInjectingSegmentIO();
        JournalOptions options = Options(DurabilityPolicy.Interval, TimeSpan.FromMilliseconds(20));
        using JournalWriter writer = JournalWriter.Open(options, io, logger: null, time: clock);

        JournalTestData.AppendNumbered(writer, 10);
        writer.Commit();
        bool reached = SpinWait.SpinUntil(() => writer.DurableSequence.Value == 10, TestTimeouts.Default);

        Assert.True(reached, $"durable sequence stuck at {writer.DurableSequence.Value}");
        Assert.True(io.Flushes >= 1);
        Assert.Equal(1, io.Writes);
    }

    [Fact]
    public void Commit_WithIntervalDurabilityBeforeTheIntervalPassed_DoesNotFsync()
    {
        var clock = new ManualTimeProvider(s_start);
        var io = new FaultInjectingSegmentIO();
        JournalOptions options = Options(DurabilityPolicy.Interval, TimeSpan.FromMinutes(1));
        using JournalWriter writer = JournalWriter.Open(options, io, logger: null, time: clock);

        JournalTestData.AppendNumbered(writer, 4);
        long early = writer.Commit();
        clock.AdvanceTimestamp(TimeSpan.FromMinutes(1));
        long late = writer.Commit();

        Assert.Equal(0, early);
        Assert.Equal(4, late);
        Assert.Equal(1, io.Flushes);
    }

    [Fact]
    public void Open_WhileAnotherWriterHoldsTheFolder_ThrowsIOException()
    {
        JournalOptions options = Options();
        using JournalWriter first = JournalWriter.Open(options);
        JournalTestData.AppendNumbered(first, 3);
        first.Commit();

        IOException ex = Assert.Throws<IOException>(() => JournalWriter.Open(options));

        Assert.Contains("in use", ex.Message, StringComparison.Ordinal);
        Assert.Contains(options.Directory, ex.Message, StringComparison.Ordinal);
        Assert.Equal(3, first.Commit()); // the first writer is unaffected
    }

    [Fact]
    public void Open_AfterTheFirstWriterIsDisposed_Succeeds()
    {
        JournalOptions options = Options();
        JournalWriter first = JournalWriter.Open(options);
        JournalTestData.AppendNumbered(first, 3);
        first.Dispose();

        using JournalWriter second = JournalWriter.Open(options);

        Assert.Equal(3, second.LastSequence);
    }

    [Fact]
    public void Dispose_WithUncommittedAppends_WritesAndSyncsThem()
    {
        JournalOptions options = Options(DurabilityPolicy.None);
        var io = new FaultInjectingSegmentIO();
        JournalWriter writer = JournalWriter.Open(options, io);
        JournalTestData.AppendNumbered(writer, 6);

        writer.Dispose();

        Assert.Equal(1, io.Flushes);
        Assert.Equal(6, JournalFiles.ReadAll(options.Directory).Count);
        Assert.Throws<ObjectDisposedException>(() => writer.Append(JournalTestData.Type, 1, 0, 0, ReadOnlySpan<byte>.Empty));
    }

    [Fact]
    public void Append_BeyondWriteBuffer_WritesFullBuffersBeforeCommit()
    {
        var io = new FaultInjectingSegmentIO();
        JournalOptions options = Options(writeBufferBytes: TestJournalOptions.MaxRecordBytes);
        using JournalWriter writer = JournalWriter.Open(options, io);

        JournalTestData.AppendNumbered(writer, 200);

        Assert.True(io.Writes > 1, "a 4 KiB buffer cannot hold 200 records");
        Assert.Equal(0, writer.DurableSequence.Value);
        Assert.Equal(200, writer.Commit());
    }
}
