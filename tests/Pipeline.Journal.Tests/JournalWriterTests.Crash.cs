using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Journal.Maintenance;
using Pipeline.Journal.Replay;
using Pipeline.Journal.Snapshots;
using Pipeline.Ledger;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Journal.Tests;

public sealed partial class JournalWriterTests
{
    private const int CrashSeed = 20240501;

    // Waits on the crash host (see ReadLineAsync): longer than TestTimeouts.Default, still bounded.
    private static readonly TimeSpan s_childProcessTimeout = TimeSpan.FromSeconds(30);

    // A real process (Pipeline.Journal.CrashHost) appends a ledger workload with Batch durability and reports each
    // durable sequence; it is killed with SIGKILL at a random point of its progress, many times over the same folder.
    // After each kill: nothing reported durable is lost, recovery leaves a gap-free journal, and the state rebuilt from
    // snapshot + tail equals a full replay and the workload applied without any journal at all.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Open_AfterTheWriterProcessIsKilledAtRandomPoints_KeepsEveryDurableRecordAndReplaysConsistently(bool preallocate)
    {
        string host = Path.Combine(AppContext.BaseDirectory, "Pipeline.Journal.CrashHost.dll");
        Assert.True(File.Exists(host), $"{host} is missing: the test project references the CrashHost project so that it is built and copied");
        string journal = _temp.Combine("journal");
        string snapshots = _temp.Combine("snapshots");
        int iterations = int.TryParse(Environment.GetEnvironmentVariable("PIPELINE_CRASH_ITERATIONS"), NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : 30;
        var random = new Random(CrashSeed);
        long recovered = 0;
        long kills = 0;
        var clock = Stopwatch.StartNew();

        for (int iteration = 0; iteration < iterations; iteration++)
        {
            // -1: kill as soon as the process starts (often during its own recovery); else after that many durable
            // lines. The host stops by itself 50 batches later, so the journal grows by a bounded amount per run.
            int killAfter = random.Next(6) == 0 ? -1 : random.Next(0, 30);
            int batchSize = random.Next(1, 40);
            int batches = Math.Max(killAfter, 0) + 50;
            string[] args = [journal, snapshots, CrashSeed.ToString(CultureInfo.InvariantCulture), batchSize.ToString(CultureInfo.InvariantCulture), batches.ToString(CultureInfo.InvariantCulture), "50", "watch-stdin"];
            CrashRun run = await RunAndKillAsync(host, preallocate ? [.. args, "preallocate"] : args, killAfter);
            kills += run.Killed ? 1 : 0;

            string context = $"iteration {iteration} (kill after {killAfter} durable lines, batches of {batchSize})";
            Assert.True(run.Ready is null || run.Ready == recovered, $"{context}: the host recovered {run.Ready}, the previous check {recovered}");
            JournalReport beforeRecovery = JournalVerifier.Verify(journal);
            Assert.True(beforeRecovery.IsHealthy, $"{context}: {string.Join("; ", beforeRecovery.Problems)}");
            long previous = recovered;
            using (JournalWriter writer = JournalWriter.Open(TestJournalOptions.Small(journal, preallocate: preallocate)))
            {
                recovered = writer.LastSequence;
            }

            Assert.True(recovered >= run.Durable, $"{context}: {run.Durable} was reported durable but only {recovered} survived");
            Assert.True(recovered >= previous, $"{context}: {previous} records were there before this run, {recovered} after it");
            JournalReport afterRecovery = JournalVerifier.Verify(journal);
            Assert.Empty(afterRecovery.Problems);
            Assert.Equal(recovered, afterRecovery.Records);
            Assert.Equal(recovered == 0 ? 0 : 1, afterRecovery.FirstSequence);
            AssertReplaysAgree(journal, snapshots, recovered, context);
            _output.WriteLine($"{clock.ElapsedMilliseconds,6} ms  {context}: ready {run.Ready}, reported durable {run.Durable}, recovered {recovered}, killed {run.Killed}");
        }

        Assert.True(kills >= iterations / 3, $"only {kills} of {iterations} runs were killed; the others finished first");
        Assert.True(recovered > 1000, $"the host journaled only {recovered} records in {iterations} runs");
        Assert.True(JournalFiles.Segments(journal).Count > 1, "the run never rolled a segment");
        Assert.NotEmpty(new FileSnapshotStore(snapshots).List());
    }

    private static void AssertReplaysAgree(string journal, string snapshots, long last, string context)
    {
        var coordinator = new ReplayCoordinator(new JournalReader(journal), new FileSnapshotStore(snapshots));
        RecoveryStart<LedgerState> full = coordinator.LoadState(() => new LedgerState(), ignoreSnapshots: true);
        var fullTarget = new LedgerReplayTarget(full.State, 0);
        coordinator.Replay(1, last, fullTarget);
        RecoveryStart<LedgerState> start = coordinator.LoadState(() => new LedgerState());
        Assert.True(start.NextSequence <= last + 1, $"{context}: the snapshot at {start.NextSequence - 1} is ahead of the journal ({last})");
        var tailTarget = new LedgerReplayTarget(start.State, start.NextSequence - 1);
        coordinator.Replay(start.NextSequence, last, tailTarget);

        // The model: the same workload applied directly, with no journal, process or snapshot involved.
        var model = new LedgerState();
        var workload = new LedgerWorkload(CrashSeed);
        for (long sequence = 1; sequence <= last; sequence++)
        {
            LedgerApplier.Apply(model, sequence, workload.Next());
        }

        Assert.Equal(last, fullTarget.Applied);
        Assert.True(model.ComputeDigest() == fullTarget.State.ComputeDigest(), $"{context}: full replay differs from the workload applied directly");
        Assert.True(fullTarget.State.ComputeDigest() == tailTarget.State.ComputeDigest(), $"{context}: snapshot at {start.NextSequence - 1} + tail differs from full replay");
    }

    private sealed record CrashRun(long? Ready, long Durable, bool Killed);

    // Starts the host, reads its progress and kills it (SIGKILL) once it has reported `killAfter` durable commits.
    private static async Task<CrashRun> RunAndKillAsync(string host, string[] args, int killAfter)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true, // held open: the host exits when it closes (if this process dies)
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(host);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var errors = new ConcurrentQueue<string>();
        using var process = new Process { StartInfo = start };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                errors.Enqueue(e.Data);
            }
        };
        Assert.True(process.Start());
        process.BeginErrorReadLine();
        long? ready = null;
        long durable = 0;
        bool killed = false;
        try
        {
            if (killAfter >= 0)
            {
                ready = ParseLine(await ReadLineAsync(process, errors), "ready");
                durable = ready.Value; // what the host recovered at start was durable before it started
                for (int i = 0; i < killAfter; i++)
                {
                    long reported = ParseLine(await ReadLineAsync(process, errors), "durable");
                    Assert.True(reported > durable, $"durable went from {durable} to {reported}");
                    durable = reported;
                }
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(); // SIGKILL on Linux: no finally blocks, no flush, no Dispose in the child
                killed = true;
            }

            using var exit = new CancellationTokenSource(s_childProcessTimeout);
            await process.WaitForExitAsync(exit.Token);
        }

        killed &= process.ExitCode != 0; // it may have finished its batches just before the kill
        return new CrashRun(ready, durable, killed);
    }

    private static async Task<string> ReadLineAsync(Process process, ConcurrentQueue<string> errors)
    {
        // A line from a child process includes, for the first, its start-up (runtime, JIT, recovery): with the whole
        // solution's test hosts running at once on 2 cores that took more than TestTimeouts.Default at times.
        using var timeout = new CancellationTokenSource(s_childProcessTimeout);
        string? line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        return line ?? throw new InvalidOperationException("The crash host ended early: " + string.Join(Environment.NewLine, errors));
    }

    private static long ParseLine(string line, string word)
    {
        string[] parts = line.Split(' ');
        Assert.True(parts.Length == 2 && parts[0] == word, $"expected '{word} N', got '{line}'");
        return long.Parse(parts[1], CultureInfo.InvariantCulture);
    }
}
