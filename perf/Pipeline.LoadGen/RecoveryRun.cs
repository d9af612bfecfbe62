using System;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Pipeline.LoadGen;

/// <summary>
/// The <c>recovery</c> verb: builds a journal of N commands with the real server (durability Batch, closed loop,
/// after the account setup), kills the server with SIGKILL, and times the restart until it listens again, either
/// replaying the whole journal (no snapshot) or from a snapshot taken near the end plus the journal tail.
/// </summary>
internal static class RecoveryRun
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan s_snapshotTimeout = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(LoadGenOptions o, TextWriter output)
    {
        string? failure = null;
        long journalBytes = 0;
        double restartSeconds = 0;
        long replayed = 0;
        double replayRate = 0;
        string data = ServerProcess.NewDataDirectory();
        try
        {
            // The floor under every restart time: the runtime and host starting on an empty folder.
            await using (ServerProcess empty = await ServerProcess.StartAsync(ServerProcess.NewDataDirectory(), "Batch", o.ServerArgs, deleteData: true, s_startTimeout).ConfigureAwait(false))
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"empty   start on an empty folder: {empty.StartupTime.TotalSeconds:F3} s"));
            }

            // One snapshot at 95% of the journal: the restart loads it and replays the last 5%. Without: none at all
            // (0 = only at a clean shutdown, which a SIGKILL never reaches).
            long journalEvents = o.Events + (2L * o.Accounts);
            long interval = o.Snapshot ? Math.Max(1, journalEvents * 95 / 100) : 0;
            string buildArgs = string.Create(CultureInfo.InvariantCulture, $"--Pipeline:Snapshots:IntervalEvents={interval} {o.ServerArgs}");
            long lastSequence;
            await using (ServerProcess builder = await ServerProcess.StartAsync(data, "Batch", buildArgs, deleteData: false, s_startTimeout).ConfigureAwait(false))
            {
                output.WriteLine($"build   server on port {builder.Port}, data {data}");
                await LoadRun.SetupAsync("127.0.0.1", builder.Port, o.Accounts, output).ConfigureAwait(false);
                LoadOutcome outcome = await LoadRun.RunClosedAsync("127.0.0.1", builder.Port, o.Connections, o.Accounts, o.Window, o.Batch, TimeSpan.Zero, Timeout.InfiniteTimeSpan, o.Events, builder, output).ConfigureAwait(false);
                if (outcome.Failure is { } buildFailure)
                {
                    throw new InvalidOperationException("building the journal failed: " + buildFailure);
                }

                lastSequence = outcome.MaxSequence;
                if (o.Snapshot)
                {
                    long snapshotAt = await builder.FirstSnapshotWritten.WaitAsync(s_snapshotTimeout).ConfigureAwait(false);
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"build   snapshot at sequence {snapshotAt:N0} of {lastSequence:N0}"));
                }

                await builder.KillAsync().ConfigureAwait(false);
            }

            journalBytes = DirectorySize(Path.Combine(data, "journal"));
            string snapshots = Path.Combine(data, "snapshots");
            if (!o.Snapshot && Directory.Exists(snapshots))
            {
                Directory.Delete(snapshots, recursive: true);
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"killed  (SIGKILL) at sequence {lastSequence:N0}; journal {journalBytes / 1048576.0:F1} MiB; restarting {(o.Snapshot ? "from the snapshot" : "without a snapshot")}"));
            if (o.KeepData is not null)
            {
                CopyDirectory(data, o.KeepData);
                output.WriteLine($"kept    a copy of the killed server's data in {o.KeepData}");
            }
            await using (ServerProcess restarted = await ServerProcess.StartAsync(data, "Batch", string.Create(CultureInfo.InvariantCulture, $"--Pipeline:Snapshots:IntervalEvents={(interval == 0 ? 0 : interval)} {o.ServerArgs}"), deleteData: false, s_startTimeout).ConfigureAwait(false))
            {
                restartSeconds = restarted.StartupTime.TotalSeconds;
                RecoveredLine recovered = restarted.Recovered
                    ?? throw new InvalidOperationException("the restarted server printed no \"Recovered\" line; its last lines:" + Environment.NewLine + restarted.RecentOutput());
                replayed = recovered.Replayed;
                replayRate = replayed / Math.Max(recovered.ReplayMilliseconds, 0.1) * 1000;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"restart {restartSeconds:F3} s to listening; state at sequence {recovered.Sequence:N0} ({recovered.Snapshot}); replayed {replayed:N0} events in {recovered.ReplayMilliseconds:F1} ms ({replayRate:N0}/s)"));
                if (recovered.Sequence != lastSequence)
                {
                    failure = string.Create(CultureInfo.InvariantCulture, $"the restarted server recovered to sequence {recovered.Sequence}, the last acknowledged was {lastSequence}");
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            failure = ex.GetType().Name + ": " + ex.Message;
        }
        finally
        {
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Best effort: a temp folder.
            }
        }

        var result = new RecoveryResult(o.Name, o.Events, o.Snapshot, journalBytes, Math.Round(restartSeconds, 4), replayed, Math.Round(replayRate, 1), failure is not null, failure);
        string json = RunResultWriter.WriteRecovery(o.OutDirectory, result);
        if (failure is not null)
        {
            output.WriteLine("FAILED  " + failure);
        }

        output.WriteLine($"json    {json}");
        return result.Failed ? 1 : 0;
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (string folder in Directory.EnumerateDirectories(from))
        {
            CopyDirectory(folder, Path.Combine(to, Path.GetFileName(folder)));
        }
    }

    private static long DirectorySize(string directory)
    {
        long bytes = 0;
        if (Directory.Exists(directory))
        {
            foreach (string file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
            {
                bytes += new FileInfo(file).Length;
            }
        }

        return bytes;
    }
}
