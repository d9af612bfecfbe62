using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Pipeline.Journal.Maintenance;
using Pipeline.Journal.Replay;
using Pipeline.Journal.Snapshots;
using Pipeline.Ledger;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Journal.Tests.Replay;

public sealed class ReplayCoordinatorTests : IDisposable
{
    private const int Count = 4000;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string JournalFolder => _temp.Combine("journal");

    private string SnapshotFolder => _temp.Combine("snapshots");

    // The live run: journal each generated command (random group commits) and apply it to the state as the ledger
    // handler does, writing snapshots at the given sequences.
    private sealed record LiveRun(ulong Digest, Dictionary<long, ulong> DigestAt, Dictionary<string, int> Outcomes);

    private LiveRun RunLive(int seed, IReadOnlyCollection<long> snapshotAt, FileSnapshotStore store)
    {
        var random = new Random(seed * 31);
        var workload = new LedgerWorkload(seed);
        var live = new LedgerState();
        var digestAt = new Dictionary<long, ulong>();
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        using (JournalWriter writer = JournalWriter.Open(TestJournalOptions.Small(JournalFolder)))
        {
            int untilCommit = random.Next(1, 64);
            for (long i = 1; i <= Count; i++)
            {
                WorkloadCommand command = workload.Next();
                long sequence = writer.Append(command.Type, LedgerCommandParser.SchemaVersion, command.ProducerId, command.ProducerSequence, command.Payload);
                Assert.Equal(i, sequence);
                string outcome = LedgerApplier.Apply(live, sequence, command) ?? "accepted";
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
                if (snapshotAt.Contains(sequence))
                {
                    store.Write(sequence, writer.LastTimestampTicks, live.CaptureSnapshot());
                    digestAt[sequence] = live.ComputeDigest();
                }

                if (--untilCommit == 0)
                {
                    writer.Commit();
                    untilCommit = random.Next(1, 64);
                }
            }

            writer.Commit();
        }

        return new LiveRun(live.ComputeDigest(), digestAt, outcomes);
    }

    private static long[] RandomPoints(int seed, int count)
    {
        var random = new Random(seed + 17);
        var points = new SortedSet<long>();
        while (points.Count < count)
        {
            points.Add(random.Next(1, Count)); // never the last sequence: there is always a tail to replay
        }

        return [.. points];
    }

    private static LedgerState RestoreFile(string path)
    {
        var state = new LedgerState();
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read);
        file.Position = 48; // past the snapshot header
        state.RestoreSnapshot(file);
        return state;
    }

    private LedgerState ReplayInto(LedgerState state, long fromSequence, int batchSize = 1024)
    {
        var coordinator = new ReplayCoordinator(new JournalReader(JournalFolder), snapshots: null);
        var target = new LedgerReplayTarget(state, fromSequence - 1);
        long replayed = coordinator.Replay(fromSequence, Count, target, batchSize);
        Assert.Equal(Count - fromSequence + 1, replayed);
        Assert.Equal(Count, target.LastSequence);
        return target.State;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(42)]
    [InlineData(2024)]
    [InlineData(99991)]
    public void Replay_SnapshotPlusTail_RebuildsTheLiveStateExactly(int seed)
    {
        var store = new FileSnapshotStore(SnapshotFolder, keep: 10);
        long[] points = RandomPoints(seed, 4);
        LiveRun live = RunLive(seed, points, store);
        var coordinator = new ReplayCoordinator(new JournalReader(JournalFolder), store);

        RecoveryStart<LedgerState> start = coordinator.LoadState(() => new LedgerState());
        var target = new LedgerReplayTarget(start.State, start.NextSequence - 1);
        long replayed = coordinator.Replay(start.NextSequence, Count, target, batchSize: new Random(seed).Next(1, 700));

        Assert.NotNull(start.Snapshot);
        Assert.Equal(points[^1], start.Snapshot.Sequence);
        Assert.Equal(points[^1] + 1, start.NextSequence);
        Assert.Equal(Count - points[^1], replayed);
        Assert.Equal(live.Digest, target.State.ComputeDigest());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(42)]
    [InlineData(2024)]
    [InlineData(99991)]
    public void Replay_FullReplayIgnoringSnapshots_EqualsSnapshotPlusTailAndTheLiveState(int seed)
    {
        var store = new FileSnapshotStore(SnapshotFolder, keep: 10);
        LiveRun live = RunLive(seed, RandomPoints(seed, 3), store);
        var coordinator = new ReplayCoordinator(new JournalReader(JournalFolder), store);

        RecoveryStart<LedgerState> full = coordinator.LoadState(() => new LedgerState(), ignoreSnapshots: true);
        var fullTarget = new LedgerReplayTarget(full.State, 0);
        coordinator.Replay(full.NextSequence, Count, fullTarget);
        RecoveryStart<LedgerState> fromSnapshot = coordinator.LoadState(() => new LedgerState());
        var tailTarget = new LedgerReplayTarget(fromSnapshot.State, fromSnapshot.NextSequence - 1);
        coordinator.Replay(fromSnapshot.NextSequence, Count, tailTarget);

        Assert.Null(full.Snapshot);
        Assert.Equal(1, full.NextSequence);
        Assert.Equal(Count, fullTarget.Applied);
        Assert.Equal(live.Digest, fullTarget.State.ComputeDigest());
        Assert.Equal(fullTarget.State.ComputeDigest(), tailTarget.State.ComputeDigest());
        Assert.Equal(fullTarget.State.TotalBalance, tailTarget.State.TotalBalance);
        Assert.Equal(fullTarget.State.AccountCount, tailTarget.State.AccountCount);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(11)]
    [InlineData(500)]
    public void RestoreSnapshot_EverySnapshotTaken_HasTheLiveDigestOfItsSequenceAndReplaysToTheEnd(int seed)
    {
        var store = new FileSnapshotStore(SnapshotFolder, keep: 10);
        long[] points = RandomPoints(seed, 5);
        LiveRun live = RunLive(seed, points, store);

        IReadOnlyList<SnapshotInfo> snapshots = store.List();

        Assert.Equal(points.Reverse(), snapshots.Select(s => s.Sequence));
        foreach (SnapshotInfo snapshot in snapshots)
        {
            Assert.True(snapshot.IsValid, snapshot.Problem);
            Assert.Equal(live.DigestAt[snapshot.Sequence], snapshot.Digest);
            LedgerState restored = RestoreFile(snapshot.Path);
            Assert.Equal(snapshot.Digest, restored.ComputeDigest());
            Assert.Equal(live.Digest, ReplayInto(restored, snapshot.Sequence + 1).ComputeDigest());
        }
    }

    [Fact]
    public void Workload_ExercisesEveryOutcome()
    {
        var store = new FileSnapshotStore(SnapshotFolder);

        LiveRun live = RunLive(5, [], store);

        string[] outcomes =
        [
            "accepted", LedgerApplier.UnknownType, RejectReason.MalformedPayload, RejectReason.InvalidAmount, RejectReason.UnknownAccount,
            RejectReason.AccountExists, RejectReason.InsufficientFunds, RejectReason.VersionConflict, RejectReason.SameAccount,
        ];
        Assert.All(outcomes, o => Assert.True(live.Outcomes.GetValueOrDefault(o) > 0, $"no '{o}' in {Count} commands"));
        Assert.True(live.Outcomes["accepted"] > Count / 3, "most commands should be accepted");
    }

    [Fact]
    public void LoadState_NewestSnapshotCorrupt_FallsBackToTheOlderAndStillReplaysToTheSameState()
    {
        var store = new FileSnapshotStore(SnapshotFolder, keep: 10);
        LiveRun live = RunLive(8, [1000, 3000], store);
        JournalFiles.FlipBit(store.List()[0].Path, 200, 6);
        var coordinator = new ReplayCoordinator(new JournalReader(JournalFolder), store);

        RecoveryStart<LedgerState> start = coordinator.LoadState(() => new LedgerState());
        var target = new LedgerReplayTarget(start.State, start.NextSequence - 1);
        coordinator.Replay(start.NextSequence, Count, target);

        Assert.Equal(1000, start.Snapshot!.Sequence);
        Assert.Equal(live.Digest, target.State.ComputeDigest());
    }

    [Fact]
    public void LoadState_NoSnapshotStore_StartsEmptyAtSequenceOne()
    {
        JournalTestData.CreateJournal(TestJournalOptions.Small(JournalFolder), 5);
        var coordinator = new ReplayCoordinator(new JournalReader(JournalFolder), snapshots: null);

        RecoveryStart<LedgerState> start = coordinator.LoadState(() => new LedgerState());

        Assert.Null(start.Snapshot);
        Assert.Equal(1, start.NextSequence);
        Assert.Equal(0, start.State.AccountCount);
    }

    [Fact]
    public void LoadState_NoUsableSnapshotAfterRetention_ThrowsInvalidOperationException()
    {
        JournalOptions options = TestJournalOptions.Small(JournalFolder, retention: RetentionPolicy.Delete);
        JournalTestData.CreateJournal(options, 3000);
        JournalRetention.Apply(options, JournalFiles.Segments(JournalFolder)[1].FirstSequence - 1);
        var coordinator = new ReplayCoordinator(new JournalReader(JournalFolder), new FileSnapshotStore(SnapshotFolder));

        Assert.Throws<InvalidOperationException>(() => coordinator.LoadState(() => new LedgerState()));
    }

    [Theory]
    [InlineData(1, 100)]
    [InlineData(7, 15)]
    [InlineData(100, 1)]
    [InlineData(1000, 1)]
    public void Replay_InBatches_EndsEveryBatchOnce(int batchSize, int expectedBatches)
    {
        JournalTestData.CreateJournal(TestJournalOptions.Small(JournalFolder), 100);
        var coordinator = new ReplayCoordinator(new JournalReader(JournalFolder), snapshots: null);
        var target = new CountingTarget();

        long replayed = coordinator.Replay(1, 100, target, batchSize);

        Assert.Equal(100, replayed);
        Assert.Equal(100, target.Records);
        Assert.Equal(expectedBatches, target.Batches);
    }

    [Fact]
    public void Replay_EmptyRange_AppliesNothing()
    {
        JournalTestData.CreateJournal(TestJournalOptions.Small(JournalFolder), 10);
        var coordinator = new ReplayCoordinator(new JournalReader(JournalFolder), snapshots: null);
        var target = new CountingTarget();

        long replayed = coordinator.Replay(11, 10, target);

        Assert.Equal(0, replayed);
        Assert.Equal(0, target.Batches);
    }

    [Fact]
    public void Replay_BeyondTheJournal_ThrowsJournalCorrupted()
    {
        JournalTestData.CreateJournal(TestJournalOptions.Small(JournalFolder), 10);
        var coordinator = new ReplayCoordinator(new JournalReader(JournalFolder), snapshots: null);

        Assert.Throws<JournalCorruptedException>(() => coordinator.Replay(1, 12, new CountingTarget()));
    }

    [Fact]
    public void Replay_LongerThanTwoSeconds_LogsProgressEveryTwoSeconds()
    {
        JournalTestData.CreateJournal(TestJournalOptions.Small(JournalFolder), 10_000);
        var logger = new ListLogger();
        var clock = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        var coordinator = new ReplayCoordinator(new JournalReader(JournalFolder), snapshots: null, logger, clock);

        long replayed = coordinator.Replay(1, 10_000, new ClockedTarget(clock, TimeSpan.FromMilliseconds(1)));

        Assert.Equal(10_000, replayed);
        string[] progress = logger.Entries.Where(e => e.EventId == 1104).Select(e => e.Message).ToArray();
        // The clock is read every 4,096 records: at 4.096 s and at 8.192 s, each time a line is due.
        Assert.Equal(
            [
                "Replay: 4096 of 10000 events (41%), 1000 events/s, about 5.9 s left (4.1 s so far)",
                "Replay: 8192 of 10000 events (81.9%), 1000 events/s, about 1.8 s left (8.2 s so far)",
            ],
            progress);
        Assert.Contains(logger.Entries, e => e.EventId == 1103 && e.Message.Contains("in 10000 ms", StringComparison.Ordinal));
    }

    [Fact]
    public void Replay_WithinTwoSeconds_LogsNoProgress()
    {
        JournalTestData.CreateJournal(TestJournalOptions.Small(JournalFolder), 10_000);
        var logger = new ListLogger();
        var clock = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        var coordinator = new ReplayCoordinator(new JournalReader(JournalFolder), snapshots: null, logger, clock);

        coordinator.Replay(1, 10_000, new ClockedTarget(clock, TimeSpan.FromMilliseconds(0.1)));

        Assert.DoesNotContain(logger.Entries, e => e.EventId == 1104);
        Assert.Single(logger.Entries, e => e.EventId == 1103);
    }

    // Each record takes `perRecord` on the test's clock.
    private sealed class ClockedTarget(ManualTimeProvider clock, TimeSpan perRecord) : IReplayTarget
    {
        public void Apply(in JournalRecord record) => clock.AdvanceTimestamp(perRecord);

        public void EndOfBatch()
        {
        }
    }

    private sealed class CountingTarget : IReplayTarget
    {
        public long Records { get; private set; }

        public int Batches { get; private set; }

        public void Apply(in JournalRecord record) => Records++;

        public void EndOfBatch() => Batches++;
    }
}
