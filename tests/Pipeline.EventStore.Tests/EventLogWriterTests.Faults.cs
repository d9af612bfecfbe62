using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.Win32.SafeHandles;
using Pipeline.EventStore.Internal;
using Pipeline.Journal.Internal;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.EventStore.Tests;

public sealed partial class EventLogWriterTests
{
    // Writes only the first half of the failing write, as a disk that fills up in the middle of it would.
    private sealed class HalfWriteSegmentIO(int failOnWrite) : SegmentIO
    {
        private int _writes;

        public override void Write(SafeFileHandle handle, ReadOnlySpan<byte> bytes, long position)
        {
            if (++_writes == failOnWrite)
            {
                base.Write(handle, bytes[..(bytes.Length / 2)], position);
                throw new IOException("Injected partial write (No space left on device).");
            }

            base.Write(handle, bytes, position);
        }
    }

    [Fact]
    public void FlushToDisk_WhenWriteFails_ThrowsAndLaterCallsRefuse()
    {
        var io = new FaultInjectingSegmentIO(failOnWrite: 2);
        using EventLogWriter writer = EventLogWriter.Open(Options(), io);
        EventLogTestData.Append(writer, 1, 3);
        writer.FlushToDisk();
        EventLogTestData.Append(writer, 4, 2);

        IOException ex = Assert.Throws<IOException>(() => writer.FlushToDisk());
        InvalidOperationException onAppend = Assert.Throws<InvalidOperationException>(() => EventLogTestData.Append(writer, 6, 1));
        Assert.Throws<InvalidOperationException>(writer.Flush);

        Assert.IsType<IOException>(ex.InnerException);
        Assert.Same(ex, onAppend.InnerException);
        Assert.Equal(3, writer.DurablePosition);
        Assert.Equal(2, io.Writes);
    }

    [Theory]
    [InlineData(2, 0)]
    [InlineData(0, 2)]
    public void Open_AfterAWriteOrFsyncFailure_RecoversToTheLastFlushedEvent(int failOnWrite, int failOnFlush)
    {
        EventLogOptions options = Options();
        var io = new FaultInjectingSegmentIO(failOnWrite, failOnFlush);
        using (EventLogWriter writer = EventLogWriter.Open(options, io))
        {
            EventLogTestData.Append(writer, 1, 3);
            writer.FlushToDisk();
            EventLogTestData.Append(writer, 4, 2);
            Assert.Throws<IOException>(() => writer.FlushToDisk());
        }

        // The injected fsync failure happens after a successful write: those bytes reached the OS and are flushed.
        long expectedLast = failOnWrite != 0 ? 3 : 5;
        using (EventLogWriter reopened = EventLogWriter.Open(options))
        {
            Assert.Equal(expectedLast, reopened.LastPosition);
            Assert.False(reopened.Recovery.TruncatedTornTail);
            EventLogTestData.Append(reopened, expectedLast + 1, 2);
        }

        List<StoredEvent> events = EventLogTestData.ReadForward(options);
        Assert.Equal(expectedLast + 2, events.Count);
        Assert.All(events, e => Assert.True(EventLogTestData.IsEvent(e, e.Position)));
    }

    [Fact]
    public void Open_AfterAHalfWrittenFlush_TruncatesTheTornTailToTheLastFlushedEvent()
    {
        EventLogOptions options = Options();
        using (EventLogWriter writer = EventLogWriter.Open(options, new HalfWriteSegmentIO(failOnWrite: 2)))
        {
            EventLogTestData.Append(writer, 1, 3);
            writer.Flush();
            EventLogTestData.Append(writer, 4, 5);
            Assert.Throws<IOException>(writer.Flush);
        }

        using EventLogWriter reopened = EventLogWriter.Open(options);

        // Events 4..8 are 90 bytes each: the first half of the failed 450-byte write holds 4 and 5 whole, then 45 bytes of 6.
        Assert.Equal(5, reopened.LastPosition);
        Assert.True(reopened.Recovery.TruncatedTornTail);
        Assert.Equal(45, reopened.Recovery.TruncatedBytes);
        List<StoredEvent> events = EventLogTestData.ReadForward(options);
        Assert.Equal(5, events.Count);
        Assert.All(events, e => Assert.True(EventLogTestData.IsEvent(e, e.Position)));
    }

    [Fact]
    public void Append_WhenTheSegmentRollFsyncFails_ThrowsAndTheLogReopensWithEverythingWritten()
    {
        EventLogOptions options = Options(segmentSizeBytes: 8192);
        var io = new FaultInjectingSegmentIO(failOnFlush: 1);
        using (EventLogWriter writer = EventLogWriter.Open(options, io))
        {
            Assert.Throws<IOException>(() => EventLogTestData.Append(writer, 1, 1000));
        }

        using EventLogWriter reopened = EventLogWriter.Open(options);

        Assert.Single(EventSegmentFiles.List(options.Directory));
        Assert.True(reopened.LastPosition > 0);
        Assert.Equal(reopened.LastPosition, EventLogTestData.ReadForward(options).Count);
    }
}
