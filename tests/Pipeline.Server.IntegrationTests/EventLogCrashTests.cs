using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Client;
using Pipeline.Protocol;
using Pipeline.Server.IntegrationTests.Infrastructure;
using Pipeline.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Pipeline.Server.IntegrationTests;

/// <summary>
/// SIGKILL at random moments while clients stream ledger commands, several times over one data folder: the event
/// log ends complete and exact (every acknowledged command's events exactly once, nothing the journal lacks).
/// </summary>
public sealed class EventLogCrashTests(ITestOutputHelper output)
{
    private const int Clients = 2;
    private const int BatchSize = 20;
    private const int BatchesInFlight = 4;
    private static readonly TimeSpan s_ackTimeout = TimeSpan.FromSeconds(10);

    [Fact(Timeout = 120_000)]
    public async Task SigKill_AtRandomMomentsWhileClientsStream_EventLogHoldsEveryAcknowledgedCommandsEventsExactlyOnce()
    {
        int seed = Random.Shared.Next();
        string context = $"seed {seed}";
        var random = new Random(seed);
        using var temp = new TempDirectory();
        string data = temp.Combine("data");
        var acks = new ConcurrentQueue<(string Type, Ack Ack)>();
        // Snapshots and event-log segments roll during the run (about 400 events a segment), so kills land around both.
        string[] options = ["--Pipeline:Snapshots:IntervalEvents=300", "--Pipeline:EventStore:SegmentSizeBytes=65536", "--Pipeline:EventStore:MaxPayloadBytes=4096"];

        for (int round = 0; round < 4; round++)
        {
            bool kill = round < 3;
            ServerProcess server = await ServerProcess.StartAsync(data, options);
            await using (server)
            {
                var acked = new CountSignal();
                using var stop = new CancellationTokenSource();
                using var killed = new CancellationTokenSource();
                var streams = new List<Task>();
                for (int c = 0; c < Clients; c++)
                {
                    ulong producer = (ulong)((round * 10) + c + 1);
                    var mix = new LedgerCommandMix(new Random(random.Next()), $"r{round}c{c}");
                    PipelineClient client = await PipelineClient.ConnectAsync(new PipelineClientOptions { Port = server.Port, ProducerId = producer }).WaitAsync(TestTimeouts.Default);
                    streams.Add(StreamAsync(client, mix, acks, acked, stop.Token, killed.Token));
                }

                // A random moment: after a random number of acknowledgements, with batches in flight on every client.
                int threshold = kill ? random.Next(50, 1500) : 200;
                await acked.WaitForAsync(threshold).WaitAsync(TimeSpan.FromSeconds(30));
                if (kill)
                {
                    killed.Cancel();
                    await server.KillAsync();
                    await Task.WhenAll(streams).WaitAsync(TimeSpan.FromSeconds(30));
                }
                else
                {
                    stop.Cancel();
                    await Task.WhenAll(streams).WaitAsync(TimeSpan.FromSeconds(30));
                    Assert.True(await server.TerminateAsync(TimeSpan.FromSeconds(30)) == 0, $"{context}: the clean stop failed:{Environment.NewLine}{server.Output}");
                }
            }
        }

        (List<LoggedEvent> events, Dictionary<long, string> journal) = DataFolder.AssertConsistent(data, context);
        int segments = System.IO.Directory.GetFiles(DataFolder.Events(data), "events-*.log").Length;
        output.WriteLine($"{context}: {segments} event segments, {acks.Count} acknowledged ({acks.Count(a => a.Ack.Status == AckStatus.Rejected)} rejected), {journal.Count} journaled, {events.Count} events");

        ILookup<long, LoggedEvent> byCommand = events.ToLookup(e => e.CommandSequence);
        foreach ((string type, Ack ack) in acks)
        {
            long sequence = (long)ack.Sequence;
            Assert.True(journal.TryGetValue(sequence, out string? journaled) && journaled == type, $"{context}: acknowledged command {sequence} ({type}) is not in the journal as such");
            string[] expected = ack.Status == AckStatus.Ok ? DataFolder.EventTypesOf(type) : [];
            Assert.True(ack.Status is AckStatus.Ok or AckStatus.Rejected, $"{context}: command {sequence} was acknowledged {ack.Status}");
            Assert.True(expected.SequenceEqual(byCommand[sequence].Select(e => e.Type)),
                $"{context}: command {sequence} ({type}, {ack.Status}) has events [{string.Join(", ", byCommand[sequence].Select(e => e.Type))}], expected [{string.Join(", ", expected)}]");
        }

        Assert.True(acks.Any(a => a.Ack.Status == AckStatus.Rejected), $"{context}: the mix should include rejected commands");
        Assert.True(acks.Any(a => a.Type == "ledger.transfer" && a.Ack.Status == AckStatus.Ok), $"{context}: the mix should include accepted transfers");
    }

    // Streams batches with several in flight until told to stop, then waits for the batches still out. After a kill
    // (killed is cancelled just before it, which also stops the sending) those fail, or completed just before it,
    // and the loop ends. A failure without a kill fails the test.
    private static async Task StreamAsync(PipelineClient client, LedgerCommandMix mix, ConcurrentQueue<(string Type, Ack Ack)> acks, CountSignal acked, CancellationToken stop, CancellationToken killed)
    {
        await using PipelineClient lease = client;
        var inFlight = new Queue<(List<(string Type, ReadOnlyMemory<byte> Payload)> Batch, Task<Ack[]> Acks)>();
        try
        {
            while (!stop.IsCancellationRequested && !killed.IsCancellationRequested)
            {
                while (inFlight.Count < BatchesInFlight)
                {
                    List<(string Type, ReadOnlyMemory<byte> Payload)> batch = mix.Next(BatchSize);
                    inFlight.Enqueue((batch, client.PublishBatchAsync(batch)));
                }

                await inFlight.Peek().Acks.WaitAsync(s_ackTimeout);
                Record(inFlight.Dequeue());
            }

            while (inFlight.Count > 0)
            {
                await inFlight.Peek().Acks.WaitAsync(s_ackTimeout);
                Record(inFlight.Dequeue());
            }
        }
        catch (Exception) when (killed.IsCancellationRequested)
        {
            // The server was killed: keep what was acknowledged before it died.
            foreach ((List<(string Type, ReadOnlyMemory<byte> Payload)> Batch, Task<Ack[]> Acks) rest in inFlight)
            {
                await Task.WhenAny(rest.Acks, Task.Delay(s_ackTimeout));
                if (rest.Acks.IsCompletedSuccessfully)
                {
                    Record(rest);
                }
            }
        }

        void Record((List<(string Type, ReadOnlyMemory<byte> Payload)> Batch, Task<Ack[]> Acks) sent)
        {
            Ack[] result = sent.Acks.Result;
            for (int i = 0; i < result.Length; i++)
            {
                acks.Enqueue((sent.Batch[i].Type, result[i]));
            }

            acked.Add(result.Length);
        }
    }
}
