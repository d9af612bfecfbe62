using System;
using System.Collections.Generic;
using Pipeline.Core;
using Pipeline.Core.Processing;
using Pipeline.Core.Sequencing;
using Pipeline.Core.Waiting;
using Pipeline.Journal;
using Pipeline.Journal.Replay;
using Pipeline.Hosting.Engine;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Server.Tests.Engine;

public sealed class RingReplayTargetTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(ProducerType.Single)]
    [InlineData(ProducerType.Multi)]
    public void Replay_RecordsWithinAChunk_ArePublishedOnlyAtChunkEndOrEndOfBatch(ProducerType producerType)
    {
        // A ring of 16 publishes in chunks of 4; the coordinator ends a batch every 6 records, and at the end.
        ReplayCoordinator coordinator = CreateJournal(10);
        RingBuffer<CommandEvent> ring = new(Sequencer.Create(producerType, 16, new BlockingWaitStrategy()), () => new CommandEvent());
        var target = new RingReplayTarget<CommandEvent>(ring);
        var watch = new PublishedWatch(target, ring);

        long replayed = coordinator.Replay(1, 10, watch, batchSize: 6);

        Assert.Equal(4, target.ChunkSize);
        Assert.Equal(10, replayed);
        Assert.Equal(10, target.Published);
        Assert.Equal([-1L, -1L, -1L, 3L, 3L, 3L, 5L, 5L, 5L, 9L], watch.AfterApply);
        Assert.Equal([5L, 9L], watch.AfterEndOfBatch);
    }

    [Fact]
    public void Replay_MoreRecordsThanTheRingHolds_ConsumersSeeEveryRecordAsJournaledInOrder()
    {
        const int Count = 100;
        ReplayCoordinator coordinator = CreateJournal(Count);
        var seen = new Recorder();
        var builder = new PipelineBuilder<CommandEvent>(16, () => new CommandEvent(), ProducerType.Multi, new BlockingWaitStrategy());
        builder.HandleWith(seen, "seen");
        using EventPipeline<CommandEvent> pipeline = builder.Build();
        pipeline.Start();
        var target = new RingReplayTarget<CommandEvent>(pipeline.RingBuffer);

        // One batch for the whole replay: only the chunks publish before the end, and the ring wraps six times.
        long replayed = coordinator.Replay(1, Count, target, batchSize: 1024);
        bool drained = pipeline.Drain(TestTimeouts.Default);

        Assert.True(drained);
        Assert.Equal(Count, replayed);
        Assert.Equal(Count, target.Published);
        Assert.Equal(Count, seen.Records.Count);
        for (int i = 0; i < Count; i++)
        {
            long sequence = i + 1;
            SeenRecord record = seen.Records[i];
            Assert.Equal(sequence, record.Sequence);
            Assert.True(record.IsReplay);
            Assert.Equal(JournalTestData.ProducerId, record.ProducerId);
            Assert.Equal((ulong)sequence, record.ProducerSequence);
            Assert.Equal(JournalTestData.TypeName, record.Type);
            Assert.Equal(JournalTestData.Payload(sequence), record.Payload);
            Assert.NotEqual(0, record.TimestampTicks);
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(4, 1)]
    [InlineData(16, 4)]
    [InlineData(4096, RingReplayTarget<CommandEvent>.MaxChunkSize)]
    public void Constructor_RingSize_ChunkIsAQuarterOfTheRingAtMostMaxChunkSize(int ringSize, int expected)
    {
        RingBuffer<CommandEvent> ring = RingBuffer<CommandEvent>.CreateMultiProducer(ringSize, new BlockingWaitStrategy(), () => new CommandEvent());

        var target = new RingReplayTarget<CommandEvent>(ring);

        Assert.Equal(expected, target.ChunkSize);
    }

    private ReplayCoordinator CreateJournal(int count)
    {
        string directory = _temp.Combine("journal");
        JournalTestData.CreateJournal(TestJournalOptions.Small(directory), count);
        return new ReplayCoordinator(new JournalReader(directory, TestJournalOptions.MaxRecordBytes), null);
    }

    // The highest sequence the consumers may read: the claimed cursor on a single-producer ring is the published one.
    private static long HighestPublished(RingBuffer<CommandEvent> ring) =>
        ring.Sequencer.GetHighestPublishedSequence(0, ring.Cursor);

    // Passes the replay on and notes what the consumers could see after each call.
    private sealed class PublishedWatch(RingReplayTarget<CommandEvent> target, RingBuffer<CommandEvent> ring) : IReplayTarget
    {
        public List<long> AfterApply { get; } = [];

        public List<long> AfterEndOfBatch { get; } = [];

        public void Apply(in JournalRecord record)
        {
            target.Apply(record);
            AfterApply.Add(HighestPublished(ring));
        }

        public void EndOfBatch()
        {
            target.EndOfBatch();
            AfterEndOfBatch.Add(HighestPublished(ring));
        }
    }

    private sealed record SeenRecord(long Sequence, bool IsReplay, ulong ProducerId, ulong ProducerSequence, string Type, byte[] Payload, long TimestampTicks);

    // Written on the processor thread; read after Drain.
    private sealed class Recorder : IEventHandler<CommandEvent>
    {
        public List<SeenRecord> Records { get; } = [];

        public void OnEvent(ref CommandEvent entry, long sequence, bool endOfBatch) =>
            Records.Add(new SeenRecord(
                entry.Sequence,
                entry.IsReplay,
                entry.ProducerId,
                entry.ProducerSequence,
                System.Text.Encoding.UTF8.GetString(entry.Type),
                entry.Payload.ToArray(),
                entry.TimestampTicks));
    }
}
