using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Journal.Snapshots;
using Pipeline.Ledger;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Journal.Tests.Snapshots;

public sealed class SnapshotSchedulerTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static LedgerState LedgerAt(long sequence)
    {
        var state = new LedgerState();
        state.Apply(new LedgerCommand(LedgerCommandKind.Open, "a", null, 0, -1));
        return state;
    }

    [Fact]
    public void OnApplied_EveryNEvents_CapturesAndWritesInTheBackground()
    {
        var store = new FileSnapshotStore(_temp.Combine("snapshots"), keep: 10);
        var written = new ConcurrentQueue<long>();
        using var scheduler = new SnapshotScheduler(store, intervalEvents: 10, onWritten: info => written.Enqueue(info.Sequence));
        var captured = new List<long>();

        for (long sequence = 1; sequence <= 35; sequence++)
        {
            if (scheduler.OnApplied(sequence, sequence * 100, LedgerAt(sequence)))
            {
                captured.Add(sequence);
                Assert.True(scheduler.WaitForPending(TestTimeouts.Default));
            }
        }

        Assert.Equal([10L, 20L, 30L], captured);
        Assert.Equal([10L, 20L, 30L], written);
        Assert.Equal(30, scheduler.LastWrittenSequence);
        Assert.Equal(0, scheduler.Skipped);
        IReadOnlyList<SnapshotInfo> listed = store.List();
        Assert.Equal([30L, 20L, 10L], [listed[0].Sequence, listed[1].Sequence, listed[2].Sequence]);
        Assert.Equal(3000, listed[0].TimestampTicks);
    }

    [Fact]
    public void OnApplied_CountsFromTheStartSequence()
    {
        using var store = new GatedStore(_temp.Combine("snapshots"), open: true);
        using var scheduler = new SnapshotScheduler(store, intervalEvents: 10, startSequence: 500);

        bool early = scheduler.OnApplied(509, 1, LedgerAt(509));
        bool due = scheduler.OnApplied(510, 1, LedgerAt(510));

        Assert.False(early);
        Assert.True(due);
        Assert.True(scheduler.WaitForPending(TestTimeouts.Default));
        Assert.Equal(510, scheduler.LastWrittenSequence);
    }

    [Fact]
    public void OnApplied_WhileAWriteIsInProgress_SkipsAndTriesOneIntervalLater()
    {
        using var store = new GatedStore(_temp.Combine("snapshots"), open: false);
        using var scheduler = new SnapshotScheduler(store, intervalEvents: 10);
        Assert.True(scheduler.OnApplied(10, 1, LedgerAt(10)));
        Assert.True(store.Entered.Wait(TestTimeouts.Default), "the background write did not start");

        bool busy = scheduler.OnApplied(20, 2, LedgerAt(20));
        var between = new List<bool>();
        for (long sequence = 21; sequence < 30; sequence++)
        {
            between.Add(scheduler.OnApplied(sequence, 2, LedgerAt(sequence)));
        }

        long skipped = scheduler.Skipped;
        store.Release();
        Assert.True(scheduler.WaitForPending(TestTimeouts.Default));
        bool later = scheduler.OnApplied(30, 3, LedgerAt(30));
        Assert.True(scheduler.WaitForPending(TestTimeouts.Default));

        Assert.False(busy);
        Assert.All(between, Assert.False);
        Assert.Equal(1, skipped);
        Assert.True(later);
        Assert.Equal([10L, 30L], store.Written);
        Assert.Equal(30, scheduler.LastWrittenSequence);
    }

    [Fact]
    public void WaitForPending_WhileTheWriteIsBlocked_TimesOut()
    {
        using var store = new GatedStore(_temp.Combine("snapshots"), open: false);
        using var scheduler = new SnapshotScheduler(store, intervalEvents: 5);
        scheduler.OnApplied(5, 1, LedgerAt(5));
        Assert.True(store.Entered.Wait(TestTimeouts.Default));

        bool finished = scheduler.WaitForPending(TimeSpan.FromMilliseconds(50));
        store.Release();

        Assert.False(finished);
        Assert.True(scheduler.WaitForPending(TestTimeouts.Default));
    }

    [Fact]
    public void WriteNow_WritesOnTheCallingThreadAndRestartsTheInterval()
    {
        var store = new FileSnapshotStore(_temp.Combine("snapshots"));
        using var scheduler = new SnapshotScheduler(store, intervalEvents: 10);
        LedgerState state = LedgerAt(7);

        SnapshotInfo info = scheduler.WriteNow(7, 70, state);
        bool dueAt10 = scheduler.OnApplied(10, 100, LedgerAt(10));
        bool dueAt17 = scheduler.OnApplied(17, 170, LedgerAt(17));
        Assert.True(scheduler.WaitForPending(TestTimeouts.Default));

        Assert.Equal(7, info.Sequence);
        Assert.True(info.IsValid);
        Assert.Equal(state.ComputeDigest(), info.Digest);
        Assert.False(dueAt10);
        Assert.True(dueAt17);
        Assert.Equal(17, scheduler.LastWrittenSequence);
    }

    [Fact]
    public void WriteNow_WhenTheStoreFails_Throws()
    {
        using var store = new GatedStore(_temp.Combine("snapshots"), open: true) { Fail = true };
        using var scheduler = new SnapshotScheduler(store, intervalEvents: 10);

        Assert.Throws<IOException>(() => scheduler.WriteNow(3, 1, LedgerAt(3)));

        Assert.Equal(0, scheduler.LastWrittenSequence);
    }

    [Fact]
    public void OnApplied_WhenTheBackgroundWriteFails_CountsItAndGoesOn()
    {
        using var store = new GatedStore(_temp.Combine("snapshots"), open: true) { Fail = true };
        using var scheduler = new SnapshotScheduler(store, intervalEvents: 10);

        Assert.True(scheduler.OnApplied(10, 1, LedgerAt(10)));
        Assert.True(scheduler.WaitForPending(TestTimeouts.Default));
        store.Fail = false;
        Assert.True(scheduler.OnApplied(20, 2, LedgerAt(20)));
        Assert.True(scheduler.WaitForPending(TestTimeouts.Default));

        Assert.Equal(1, scheduler.Failed);
        Assert.Equal(20, scheduler.LastWrittenSequence);
        Assert.Equal([20L], store.Written);
    }

    [Fact]
    public void Dispose_WithAPendingWrite_FinishesItFirst()
    {
        using var store = new GatedStore(_temp.Combine("snapshots"), open: false);
        var scheduler = new SnapshotScheduler(store, intervalEvents: 10);
        scheduler.OnApplied(10, 1, LedgerAt(10));
        Assert.True(store.Entered.Wait(TestTimeouts.Default));
        store.Release();

        scheduler.Dispose();

        Assert.Equal([10L], store.Written);
        Assert.Equal(10, scheduler.LastWrittenSequence);
    }

    [Fact]
    public void OnApplied_AheadOfTheDurableJournal_WritesOnlyOnceTheJournalCatchesUp()
    {
        using var store = new GatedStore(_temp.Combine("snapshots"), open: true);
        long durable = 5;
        using var scheduler = new SnapshotScheduler(store, intervalEvents: 10, durableSequence: () => Volatile.Read(ref durable));

        Assert.True(scheduler.OnApplied(10, 1, LedgerAt(10)));
        bool writtenEarly = scheduler.WaitForPending(TimeSpan.FromMilliseconds(100));
        long[] before = [.. store.Written];
        Volatile.Write(ref durable, 10);
        bool writtenLater = scheduler.WaitForPending(TestTimeouts.Default);

        Assert.False(writtenEarly);
        Assert.Empty(before);
        Assert.True(writtenLater);
        Assert.Equal([10L], store.Written);
        Assert.Equal(10, scheduler.LastWrittenSequence);
    }

    [Fact(Timeout = 30_000)]
    public async Task Dispose_BeforeTheJournalMadeAPendingSnapshotDurable_SkipsItInsteadOfWritingIt()
    {
        using var store = new GatedStore(_temp.Combine("snapshots"), open: true);
        var scheduler = new SnapshotScheduler(store, intervalEvents: 10, durableSequence: () => 3);
        Assert.True(scheduler.OnApplied(10, 1, LedgerAt(10)));

        await Task.Run(scheduler.Dispose);

        Assert.Empty(store.Written);
        Assert.Equal(1, scheduler.Skipped);
        Assert.Equal(0, scheduler.LastWrittenSequence);
        Assert.Empty(store.List());
    }

    // A file store whose writes wait at a gate (so a test controls when a background write finishes), and may fail.
    private sealed class GatedStore(string directory, bool open) : ISnapshotStore, IDisposable
    {
        private readonly FileSnapshotStore _inner = new(directory, keep: 10);
        private readonly ManualResetEventSlim _gate = new(open);
        private readonly ConcurrentQueue<long> _written = new();

        public ManualResetEventSlim Entered { get; } = new(false);

        public volatile bool Fail;

        public IReadOnlyCollection<long> Written => _written.ToArray();

        public void Release() => _gate.Set();

        public void Dispose()
        {
            _gate.Dispose();
            Entered.Dispose();
        }

        public SnapshotInfo Write(long sequence, long timestampTicks, ISnapshotCapture capture)
        {
            Entered.Set();
            if (!_gate.Wait(TestTimeouts.Default))
            {
                throw new TimeoutException("the test never opened the gate");
            }

            if (Fail)
            {
                throw new IOException("Injected snapshot write failure.");
            }

            SnapshotInfo info = _inner.Write(sequence, timestampTicks, capture);
            _written.Enqueue(sequence);
            return info;
        }

        public IReadOnlyList<SnapshotInfo> List() => _inner.List();

        public (TState State, SnapshotInfo Snapshot)? TryLoadNewest<TState>(Func<TState> createEmpty, Action<SnapshotInfo, string>? onUnusable = null)
            where TState : ISnapshotable => _inner.TryLoadNewest(createEmpty, onUnusable);
    }
}
