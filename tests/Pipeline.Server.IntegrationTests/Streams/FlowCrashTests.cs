using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Client;
using Pipeline.Ledger;
using Pipeline.Server.Cli;
using Pipeline.Server.IntegrationTests.Infrastructure;
using Pipeline.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Pipeline.Server.IntegrationTests.Streams;

/// <summary>
/// The ledger's windows across SIGKILLs: the window results in the event log after kills and restarts equal, byte
/// for byte, those of a service that rebuilt everything from the same journal without ever stopping.
/// </summary>
public sealed class FlowCrashTests(ITestOutputHelper output)
{
    /// <summary>Short windows and ticks, so that a test of a few seconds sees many windows close, by data and by ticks.</summary>
    internal static readonly string[] Windows =
    [
        "--Pipeline:Streams:Enabled=true",
        "--Pipeline:Streams:TickInterval=00:00:00.050",
        "--Ledger:DepositWindow=00:00:00.400",
        "--Ledger:DepositSlide=00:00:00.200",
        "--Ledger:BusiestWindow=00:00:01",
        "--Ledger:BusiestTop=3",
    ];

    [Fact(Timeout = 180_000)]
    public async Task SigKill_WithWindowsOn_ResultsEqualAnUninterruptedRebuildFromTheJournal()
    {
        int seed = Random.Shared.Next();
        string context = $"seed {seed}";
        var random = new Random(seed);
        using var temp = new TempDirectory();
        string data = temp.Combine("data");
        string[] options = [.. Windows, "--Pipeline:Snapshots:IntervalEvents=200", "--Pipeline:EventStore:SegmentSizeBytes=65536", "--Pipeline:EventStore:MaxPayloadBytes=4096"];

        for (int round = 0; round < 4; round++)
        {
            bool kill = round < 3;
            ServerProcess server = await ServerProcess.StartAsync(data, options);
            await using (server)
            {
                var mix = new LedgerCommandMix(new Random(random.Next()), $"r{round}");
                await using (PipelineClient client = await PipelineClient.ConnectAsync(new PipelineClientOptions { Port = server.Port, ProducerId = (ulong)(round + 1) }).WaitAsync(TestTimeouts.Default))
                {
                    int batches = random.Next(5, 40);
                    for (int b = 0; b < batches; b++)
                    {
                        await client.PublishBatchAsync(mix.Next(20)).WaitAsync(TestTimeouts.Default);
                        if (random.Next(6) == 0)
                        {
                            // Idle for several tick intervals: windows close on ticks, not on the next command.
                            await Task.Delay(random.Next(100, 600));
                        }
                    }

                    // Pipelined batches still in flight when the kill lands.
                    Task<Ack[]>[] inFlight = [.. Enumerable.Range(0, 4).Select(_ => client.PublishBatchAsync(mix.Next(20)))];
                    if (kill)
                    {
                        await server.KillAsync();
                        await Task.WhenAll(inFlight.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default))).WaitAsync(TestTimeouts.Default);
                    }
                    else
                    {
                        await Task.WhenAll(inFlight).WaitAsync(TestTimeouts.Default);
                        await Task.Delay(700); // idle: the last windows close on ticks before the stop
                    }
                }

                if (!kill)
                {
                    Assert.True(await server.TerminateAsync(TimeSpan.FromSeconds(30)) == 0, $"{context}: the clean stop failed:{Environment.NewLine}{server.Output}");
                }
            }
        }

        List<LoggedEvent> events = DataFolder.ReadEvents(data);
        Dictionary<long, string> journal = DataFolder.ReadJournal(data);
        int ticks = journal.Values.Count(t => t == "$tick");
        int results = events.Count(e => e.Type is LedgerStreams.DepositStatsName or LedgerStreams.BusiestAccountsName);
        output.WriteLine($"{context}: {journal.Count} journal records ({ticks} ticks), {events.Count} events ({results} window results)");
        Assert.True(ticks > 0, $"{context}: idle periods should have written ticks");
        Assert.True(events.Any(e => e.Type == LedgerStreams.DepositStatsName), $"{context}: no deposit statistics were stored");
        Assert.True(events.Any(e => e.Type == LedgerStreams.BusiestAccountsName), $"{context}: no busiest-accounts result was stored");
        Assert.Contains(events, e => e.Type == LedgerStreams.DepositStatsName && journal[e.CommandSequence] == "$tick");

        (int code, string verify) = DataFolder.Run(["replay", "--verify", "--data", data, .. Windows]);
        Assert.True(code == OperatorCommands.Ok, $"{context}: replay --verify returned {code}:{Environment.NewLine}{verify}");

        // The uninterrupted run: a fresh folder with the journal alone; the service decides it all again at start.
        string rebuilt = temp.Combine("rebuilt");
        CopyDirectory(DataFolder.Journal(data), DataFolder.Journal(rebuilt));
        // It only rebuilds: a live tick it wrote before the stop (windows still pending after the replay) would be a new
        // journal record with new results. The tick interval does not change what a replay decides.
        ServerProcess again = await ServerProcess.StartAsync(rebuilt, [.. options, "--Pipeline:Streams:TickInterval=01:00:00"]);
        await using (again)
        {
            Assert.True(await again.TerminateAsync(TimeSpan.FromSeconds(30)) == 0, $"{context}: the rebuild's stop failed:{Environment.NewLine}{again.Output}");
        }

        List<LoggedEvent> expected = DataFolder.ReadEvents(rebuilt);
        Assert.True(expected.Count == events.Count, $"{context}: the rebuild holds {expected.Count} events, the crashed folder {events.Count}");
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i] == events[i], $"{context}: event {i + 1} differs:{Environment.NewLine}rebuilt {expected[i]}{Environment.NewLine}crashed {events[i]}");
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from))
        {
            if (!file.EndsWith(".lock", StringComparison.Ordinal))
            {
                File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
            }
        }
    }
}
