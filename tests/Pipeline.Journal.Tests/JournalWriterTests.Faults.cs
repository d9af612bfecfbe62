using System;
using System.IO;
using System.Threading;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Journal.Tests;

public sealed partial class JournalWriterTests
{
    [Fact]
    public void Commit_WhenWriteFails_ThrowsAndDurableSequenceStaysAtLastCommit()
    {
        var io = new FaultInjectingSegmentIO(failOnWrite: 2);
        using JournalWriter writer = JournalWriter.Open(Options(), io);
        JournalTestData.AppendNumbered(writer, 3);
        writer.Commit();
        JournalTestData.AppendNumbered(writer, 2);

        JournalWriteFailedException ex = Assert.Throws<JournalWriteFailedException>(() => writer.Commit());

        Assert.IsType<IOException>(ex.InnerException);
        Assert.Equal(3, writer.DurableSequence.Value);
        Assert.Same(ex, writer.Fault);
        Assert.Equal(2, io.Writes);
        Assert.Equal(1, io.Flushes);
    }

    [Fact]
    public void Commit_WhenFsyncFails_ThrowsAndDurableSequenceStaysAtLastCommit()
    {
        var io = new FaultInjectingSegmentIO(failOnFlush: 2);
        using JournalWriter writer = JournalWriter.Open(Options(), io);
        JournalTestData.AppendNumbered(writer, 3);
        writer.Commit();
        JournalTestData.AppendNumbered(writer, 2);

        JournalWriteFailedException ex = Assert.Throws<JournalWriteFailedException>(() => writer.Commit());

        Assert.IsType<IOException>(ex.InnerException);
        Assert.Equal(3, writer.DurableSequence.Value);
        Assert.Same(ex, writer.Fault);
        Assert.Equal(2, io.Flushes);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(0, 1)]
    public void Commit_FirstIOFails_NothingEverBecomesDurable(int failOnWrite, int failOnFlush)
    {
        var io = new FaultInjectingSegmentIO(failOnWrite, failOnFlush);
        using JournalWriter writer = JournalWriter.Open(Options(), io);
        JournalTestData.AppendNumbered(writer, 5);

        Assert.Throws<JournalWriteFailedException>(() => writer.Commit());

        Assert.Equal(0, writer.DurableSequence.Value);
        Assert.NotNull(writer.Fault);
    }

    [Theory]
    [InlineData(2, 0)]
    [InlineData(0, 2)]
    public void AppendAndCommit_AfterAFailure_ThrowAndNeverRetryTheIO(int failOnWrite, int failOnFlush)
    {
        var io = new FaultInjectingSegmentIO(failOnWrite, failOnFlush);
        using JournalWriter writer = JournalWriter.Open(Options(), io);
        JournalTestData.AppendNumbered(writer, 3);
        writer.Commit();
        JournalTestData.AppendNumbered(writer, 2);
        Exception original = Assert.Throws<JournalWriteFailedException>(() => writer.Commit());
        int writes = io.Writes;
        int flushes = io.Flushes;

        JournalWriteFailedException onAppend = Assert.Throws<JournalWriteFailedException>(
            () => writer.Append(JournalTestData.Type, 1, 0, 0, JournalTestData.Payload(99)));
        JournalWriteFailedException onCommit = Assert.Throws<JournalWriteFailedException>(() => writer.Commit());
        JournalWriteFailedException onCommitAgain = Assert.Throws<JournalWriteFailedException>(() => writer.Commit());

        Assert.Same(original, onAppend.InnerException);
        Assert.Same(original, onCommit.InnerException);
        Assert.Same(original, onCommitAgain.InnerException);
        Assert.Equal(writes, io.Writes);
        Assert.Equal(flushes, io.Flushes);
        Assert.Equal(3, writer.DurableSequence.Value);
        Assert.Equal(5, writer.LastSequence);
    }

    [Fact]
    public void Append_WhenTheBufferSpillFails_ThrowsJournalWriteFailedException()
    {
        var io = new FaultInjectingSegmentIO(failOnWrite: 1);
        using JournalWriter writer = JournalWriter.Open(Options(writeBufferBytes: TestJournalOptions.MaxRecordBytes), io);

        JournalWriteFailedException ex = Assert.Throws<JournalWriteFailedException>(() => JournalTestData.AppendNumbered(writer, 200));

        Assert.IsType<IOException>(ex.InnerException);
        Assert.Same(ex, writer.Fault);
        Assert.Equal(0, writer.DurableSequence.Value);
    }

    [Fact]
    public void Dispose_AfterAFailure_DoesNotThrowOrWrite()
    {
        var io = new FaultInjectingSegmentIO(failOnFlush: 1);
        JournalWriter writer = JournalWriter.Open(Options(), io);
        JournalTestData.AppendNumbered(writer, 2);
        Assert.Throws<JournalWriteFailedException>(() => writer.Commit());
        int writes = io.Writes;

        Exception? ex = Record.Exception(writer.Dispose);

        Assert.Null(ex);
        Assert.Equal(writes, io.Writes);
    }

    [Fact]
    public void Open_AfterAFailedFsync_RecoversAtLeastTheDurableRecords()
    {
        JournalOptions options = Options();
        var io = new FaultInjectingSegmentIO(failOnFlush: 2);
        using (JournalWriter writer = JournalWriter.Open(options, io))
        {
            JournalTestData.AppendNumbered(writer, 3);
            writer.Commit();
            JournalTestData.AppendNumbered(writer, 2);
            Assert.Throws<JournalWriteFailedException>(() => writer.Commit());
        }

        using JournalWriter reopened = JournalWriter.Open(options);

        Assert.InRange(reopened.LastSequence, 3, 5);
        Assert.Equal(reopened.LastSequence + 1, reopened.Append(JournalTestData.Type, 1, 0, 0, JournalTestData.Payload(6)));
    }

    [Fact]
    public void Flusher_WhenIntervalFsyncFails_SetsFaultAndStopsTheWriter()
    {
        var clock = new ManualTimeProvider(s_start); // frozen: only the background flusher fsyncs
        var io = new FaultInjectingSegmentIO(failOnFlush: 1);
        using JournalWriter writer = JournalWriter.Open(Options(DurabilityPolicy.Interval, TimeSpan.FromMilliseconds(10)), io, logger: null, time: clock);
        JournalTestData.AppendNumbered(writer, 4);
        writer.Commit();

        bool failed = SpinWait.SpinUntil(() => writer.Fault is not null, TestTimeouts.Default);

        Assert.True(failed, "the flusher's fsync failure was not recorded");
        Assert.Equal(0, writer.DurableSequence.Value);
        Assert.Throws<JournalWriteFailedException>(() => writer.Append(JournalTestData.Type, 1, 0, 0, JournalTestData.Payload(5)));
        Assert.Throws<JournalWriteFailedException>(() => writer.Commit());
        Assert.Equal(1, io.Flushes);
    }
}
