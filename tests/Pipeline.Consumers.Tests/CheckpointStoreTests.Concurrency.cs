using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Consumers.Tests;

public sealed partial class CheckpointStoreTests
{
    [Fact]
    public async Task Commit_FromSeveralThreadsAtOnce_EndsAtEachConsumersHighestPosition()
    {
        const int Threads = 4;
        const int CommitsPerThread = 50;
        string[] names = ["a", "b", "c"];
        var highest = new long[Threads, names.Length];
        var failures = new List<string>();
        using var start = new ManualResetEventSlim();
        using (CheckpointStore store = Open())
        {
            var workers = new Task[Threads];
            for (int t = 0; t < Threads; t++)
            {
                int thread = t;
                workers[t] = Task.Factory.StartNew(
                    () =>
                    {
                        var random = new Random(1000 + thread);
                        if (!start.Wait(TestTimeouts.Default))
                        {
                            throw new TimeoutException("The start signal did not come.");
                        }

                        for (int i = 0; i < CommitsPerThread; i++)
                        {
                            int c = random.Next(names.Length);
                            long position = random.Next(0, 1000);
                            CommitResult result = store.Commit(names[c], position);
                            highest[thread, c] = Math.Max(highest[thread, c], position);

                            // Applied: the checkpoint is this position; refused: a higher one holds it.
                            bool consistent = result.Applied ? result.Checkpoint.Position == position : result.Checkpoint.Position > position;
                            if (!consistent || result.Checkpoint.Name != names[c])
                            {
                                lock (failures)
                                {
                                    failures.Add($"thread {thread}: commit {names[c]}@{position} gave {result}");
                                }
                            }
                        }
                    },
                    CancellationToken.None,
                    TaskCreationOptions.LongRunning,
                    TaskScheduler.Default);
            }

            start.Set();
            await Task.WhenAll(workers).WaitAsync(TestTimeouts.Default);

            Assert.Empty(failures);
            AssertHighest(store);
        }

        using CheckpointStore reopened = Open();
        AssertHighest(reopened);

        void AssertHighest(CheckpointStore store)
        {
            for (int c = 0; c < names.Length; c++)
            {
                long expected = 0;
                for (int t = 0; t < Threads; t++)
                {
                    expected = Math.Max(expected, highest[t, c]);
                }

                Assert.True(store.TryGet(names[c], out ConsumerCheckpoint checkpoint));
                Assert.Equal(expected, checkpoint.Position);
            }
        }
    }

    [Fact]
    public async Task Commit_WhileAnFsyncRuns_LaterCommitsShareTheNextFsync()
    {
        using var io = new TestSegmentIO();
        using CheckpointStore store = Open(io: io);
        int writes = io.Writes;
        int flushes = io.Flushes;
        io.ArmGate();

        Task<CommitResult> first = OnOwnThread(() => store.Commit("first", 1));
        io.WaitUntilGateEntered();
        var later = new Task<CommitResult>[4];
        for (int i = 0; i < later.Length; i++)
        {
            string name = $"later{i}";
            later[i] = OnOwnThread(() => store.Commit(name, 1));
        }

        await io.WriteSignal.WaitForAsync(writes + 1 + later.Length); // all written while the first fsync still runs
        io.ReleaseGate();
        await Task.WhenAll([first, .. later]).WaitAsync(TestTimeouts.Default);

        Assert.Equal(flushes + 2, io.Flushes); // the first commit's, then one for the four later ones
        foreach (Task<CommitResult> commit in later)
        {
            Assert.True((await commit).Applied);
        }

        Assert.Equal(5, store.List().Count);
    }

    [Fact]
    public async Task CallsThatWriteNothing_WhileTheStateTheySeeIsInFlight_WaitForItsFsync()
    {
        using var io = new TestSegmentIO();
        using CheckpointStore store = Open(io: io);
        int flushes = io.Flushes;
        io.ArmGate();
        Task<CommitResult> first = OnOwnThread(() => store.Commit("a", 5));
        io.WaitUntilGateEntered();
        var waiting = new CountSignal();
        store.WaitingForFsync = () => waiting.Add();

        Task<CommitResult> same = OnOwnThread(() => store.Commit("a", 5));
        Task<CommitResult> behind = OnOwnThread(() => store.Commit("a", 4));
        Task<bool> read = OnOwnThread(() => store.TryGet("a", out _));
        await waiting.WaitForAsync(3);
        bool answeredEarly = same.IsCompleted || behind.IsCompleted || read.IsCompleted;
        io.ReleaseGate();
        await Task.WhenAll(first, same, behind, read).WaitAsync(TestTimeouts.Default);

        Assert.False(answeredEarly); // none answers with a checkpoint a crash could still take away
        Assert.True((await same).Applied);
        Assert.Equal(new CommitResult(false, (await first).Checkpoint), await behind);
        Assert.True(await read);
        Assert.Equal(flushes + 1, io.Flushes); // they rode on the first commit's fsync
    }

    [Fact]
    public void Commit_WhenTheFsyncFails_ThrowsAndLaterCallsRefuseUntilReopened()
    {
        using var io = new TestSegmentIO();
        using (CheckpointStore store = Open(io: io))
        {
            store.Commit("kept", 5);
            io.FailFlushAt = io.Flushes + 1;

            IOException ex = Assert.Throws<IOException>(() => store.Commit("orders", 1));
            InvalidOperationException onCommit = Assert.Throws<InvalidOperationException>(() => store.Commit("orders", 2));
            Assert.Throws<InvalidOperationException>(() => store.TryGet("kept", out _));
            Assert.Throws<InvalidOperationException>(() => store.List());

            Assert.Contains("not known to be on disk", ex.Message, StringComparison.Ordinal);
            Assert.Same(ex.InnerException, onCommit.InnerException);
        }

        using CheckpointStore reopened = Open();
        Assert.True(reopened.TryGet("kept", out ConsumerCheckpoint kept));
        Assert.Equal(5, kept.Position);
        Assert.True(reopened.Commit("orders", 3).Applied); // the failed commit may or may not have reached the disk
    }

    [Fact]
    public void Commit_WhenTheWriteTearsHalfway_ThrowsAndReopenCutsTheTornRecord()
    {
        using var io = new TestSegmentIO { HalfWriteOnFailure = true };
        using (CheckpointStore store = Open(io: io))
        {
            store.Commit("kept", 5);
            io.FailWriteAt = io.Writes + 1;

            Assert.Throws<IOException>(() => store.Commit("orders", 1));
            Assert.Throws<InvalidOperationException>(() => store.Commit("kept", 6));
        }

        var logger = new ListLogger();
        using CheckpointStore reopened = Open(logger);
        Assert.Equal([new ConsumerCheckpoint("kept", 5, Start.UtcTicks, 1)], reopened.List());
        Assert.Contains(logger.Entries, e => e.EventId == 1301);
    }

    // A call that blocks (in the gated fsync, or waiting for it) gets its own thread: on a 2-core machine the thread
    // pool adds threads for blocked work only about twice a second.
    private static Task<T> OnOwnThread<T>(Func<T> call) =>
        Task.Factory.StartNew(call, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
