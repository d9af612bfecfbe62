using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HdrHistogram;
using Pipeline.Client;
using Pipeline.Protocol;

namespace Pipeline.LoadGen;

// A first load generator: drives the real server over TCP with the ledger mix and records each command's
// acknowledgement latency in microseconds in an HdrHistogram.
//   closed loop: C connections, W commands in flight each, as fast as ACKs come back (max throughput)
//   open loop:   a fixed rate; latency is measured from each command's intended send time, so a stalled server
//                cannot hide its stall (coordinated-omission correction).
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        var o = Options.Parse(args);
        await using ServerProcess? server = o.Port == 0 ? await ServerProcess.StartAsync(o.Durability, o.ServerArgs) : null;
        int port = server?.Port ?? o.Port;
        Console.WriteLine($"server  {(server is null ? "external" : "started")} on {o.Host}:{port}, durability {o.Durability}");

        await SetupAsync(o, port);
        var warm = await RunAsync(o, port, TimeSpan.FromSeconds(o.WarmupSeconds), seedOffset: 1000);
        Console.WriteLine($"warm-up {warm.Acks:N0} acks");
        Result result = await RunAsync(o, port, TimeSpan.FromSeconds(o.DurationSeconds), seedOffset: 0);
        Report(o, result);
        return result.Errors == 0 ? 0 : 1;
    }

    private static async Task SetupAsync(Options o, int port)
    {
        await using PipelineClient client = await PipelineClient.ConnectAsync(new PipelineClientOptions { Host = o.Host, Port = port, ClientName = "loadgen-setup" });
        foreach (var chunk in LedgerWorkload.Setup(o.Accounts).Chunk(2000))
        {
            Ack[] acks = await client.PublishBatchAsync(chunk);
            if (acks.Any(a => a.Status is AckStatus.Invalid))
            {
                throw new InvalidOperationException("Setup command refused: " + acks.First(a => a.Status is AckStatus.Invalid).Detail);
            }
        }
    }

    private sealed record Result(LongHistogram Histogram, LongHistogram Service, long Acks, long Rejected, long Errors, TimeSpan Elapsed);

    private static async Task<Result> RunAsync(Options o, int port, TimeSpan duration, int seedOffset)
    {
        var histogram = new LongHistogram(60_000_000, 3);
        var service = new LongHistogram(60_000_000, 3);
        long acks = 0;
        long rejected = 0;
        long errors = 0;
        var clients = new List<PipelineClient>();
        for (int c = 0; c < o.Connections; c++)
        {
            clients.Add(await PipelineClient.ConnectAsync(new PipelineClientOptions { Host = o.Host, Port = port, ProducerId = (ulong)(seedOffset + c + 1) * 1000, ClientName = "loadgen" }));
        }

        long start = Stopwatch.GetTimestamp();
        long end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var tasks = new List<Task>();
        if (o.Rate > 0)
        {
            var workloads = new LedgerWorkload[o.Connections];
            for (int c = 0; c < o.Connections; c++)
            {
                workloads[c] = new LedgerWorkload(seedOffset + c, o.Accounts);
            }

            tasks.Add(OpenLoop(clients, workloads, o.Rate, start, end, Record, RecordService));
        }
        else
        {
            for (int c = 0; c < o.Connections; c++)
            {
                tasks.Add(ClosedLoopAsync(clients[c], new LedgerWorkload(seedOffset + c, o.Accounts), o.Window, o.Batch, end, Record));
            }
        }

        await Task.WhenAll(tasks);
        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        foreach (PipelineClient client in clients)
        {
            await client.DisposeAsync();
        }

        return new Result(histogram, service, acks, rejected, errors, elapsed);

        void RecordService(long sentTimestamp)
        {
            long micros = (Stopwatch.GetTimestamp() - sentTimestamp) * 1_000_000 / Stopwatch.Frequency;
            lock (service)
            {
                service.RecordValue(Math.Clamp(micros, 1, 60_000_000));
            }
        }

        void Record(long fromTimestamp, Ack? ack, int count)
        {
            long micros = (Stopwatch.GetTimestamp() - fromTimestamp) * 1_000_000 / Stopwatch.Frequency;
            lock (histogram)
            {
                histogram.RecordValue(Math.Clamp(micros, 1, 60_000_000));
            }

            if (ack is null || ack.Status is AckStatus.Invalid or AckStatus.Duplicate)
            {
                Interlocked.Add(ref errors, count);
            }
            else
            {
                Interlocked.Increment(ref acks);
                if (ack.Status == AckStatus.Rejected)
                {
                    Interlocked.Increment(ref rejected);
                }
            }
        }
    }

    // Closed loop: window/batch batches in flight; each batch's latency (send to its last ACK) is recorded once per
    // command in it, an upper bound of each command's own latency.
    private static async Task ClosedLoopAsync(PipelineClient client, LedgerWorkload workload, int window, int batch, long end, Action<long, Ack?, int> record)
    {
        using var slots = new SemaphoreSlim(Math.Max(1, window / batch));
        int batches = Math.Max(1, window / batch);
        while (Stopwatch.GetTimestamp() < end)
        {
            await slots.WaitAsync();
            var commands = new (string, ReadOnlyMemory<byte>)[batch];
            for (int i = 0; i < batch; i++)
            {
                (string type, byte[] payload) = workload.Next();
                commands[i] = (type, payload);
            }

            long sent = Stopwatch.GetTimestamp();
            _ = client.PublishBatchAsync(commands).ContinueWith(
                t =>
                {
                    if (t.IsCompletedSuccessfully)
                    {
                        foreach (Ack ack in t.Result)
                        {
                            record(sent, ack, 1);
                        }
                    }
                    else
                    {
                        record(sent, null, batch);
                    }

                    slots.Release();
                },
                TaskScheduler.Default);
        }

        for (int i = 0; i < batches; i++)
        {
            await slots.WaitAsync();
        }
    }

    // Open loop: one pacing thread for all connections follows a schedule of intended send times (rate spread evenly
    // over the connections). Each command's latency is measured from its intended time, so a stalled server (or a late
    // generator) cannot hide the stall (coordinated-omission correction); the service time, from the actual send, is
    // kept beside it.
    private static Task OpenLoop(List<PipelineClient> clients, LedgerWorkload[] workloads, double rate, long start, long end, Action<long, Ack?, int> record, Action<long> recordService)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var pacer = new Thread(() =>
        {
            double ticksPerCommand = Stopwatch.Frequency / rate;
            long k = 0;
            var pending = new List<Task>();
            var due = new List<(string, ReadOnlyMemory<byte>)>[clients.Count];
            var times = new List<long>[clients.Count];
            for (int c = 0; c < clients.Count; c++)
            {
                due[c] = [];
                times[c] = [];
            }

            while (true)
            {
                long now = Stopwatch.GetTimestamp();
                if (now >= end)
                {
                    break;
                }

                while (true)
                {
                    long intended = start + (long)(k * ticksPerCommand);
                    if (intended > now || intended >= end)
                    {
                        break;
                    }

                    int c = (int)(k % clients.Count);
                    (string type, byte[] payload) = workloads[c].Next();
                    due[c].Add((type, payload));
                    times[c].Add(intended);
                    k++;
                }

                for (int c = 0; c < clients.Count; c++)
                {
                    if (due[c].Count == 0)
                    {
                        continue;
                    }

                    long[] intendedTimes = [.. times[c]];
                    long sent = Stopwatch.GetTimestamp();
                    pending.Add(clients[c].PublishBatchAsync([.. due[c]]).ContinueWith(
                        t =>
                        {
                            recordService(sent);
                            for (int i = 0; i < intendedTimes.Length; i++)
                            {
                                record(intendedTimes[i], t.IsCompletedSuccessfully ? t.Result[i] : null, 1);
                            }
                        },
                        TaskScheduler.Default));
                    due[c].Clear();
                    times[c].Clear();
                }

                if (pending.Count > 4096)
                {
                    pending.RemoveAll(t => t.IsCompleted);
                }

                // Sleeping (about 1 ms on Linux) rather than spinning: on two cores a spinning generator would take a
                // core from the server. Commands go out in bursts of at most ~1 ms of schedule; the lateness counts.
                if (start + (long)(k * ticksPerCommand) > Stopwatch.GetTimestamp())
                {
                    Thread.Sleep(1);
                }
            }

            Task.WhenAll(pending).ContinueWith(_ => done.SetResult(), TaskScheduler.Default);
        })
        {
            Name = "loadgen-pacer",
            IsBackground = true,
        };
        pacer.Start();
        return done.Task;
    }

    private static void Report(Options o, Result r)
    {
        LongHistogram h = r.Histogram;
        double rate = r.Acks / r.Elapsed.TotalSeconds;
        string mode = o.Rate > 0 ? $"open loop at {o.Rate:N0}/s" : $"closed loop, window {o.Window} in batches of {o.Batch}";
        Console.WriteLine($"run     {mode}, {o.Connections} connections, {o.Accounts} accounts, {r.Elapsed.TotalSeconds:F1} s");
        Console.WriteLine($"acks    {r.Acks:N0} ({rate:N0}/s), rejected by rules {r.Rejected:N0}, errors {r.Errors:N0}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"latency us  p50 {h.GetValueAtPercentile(50)}  p90 {h.GetValueAtPercentile(90)}  p99 {h.GetValueAtPercentile(99)}  p99.9 {h.GetValueAtPercentile(99.9)}  max {h.GetMaxValue()}{(o.Rate > 0 ? "   (from intended send time)" : "   (send to last ACK of its batch)")}"));
        if (o.Rate > 0)
        {
            LongHistogram sv = r.Service;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"service us  p50 {sv.GetValueAtPercentile(50)}  p90 {sv.GetValueAtPercentile(90)}  p99 {sv.GetValueAtPercentile(99)}  p99.9 {sv.GetValueAtPercentile(99.9)}  max {sv.GetMaxValue()}   (actual send to the batch's last ACK)"));
        }
        if (o.Out is { } dir)
        {
            Directory.CreateDirectory(dir);
            string name = Path.Combine(dir, $"{(o.Rate > 0 ? "open-" + o.Rate : "closed")}-{o.Durability}.hgrm");
            using (var writer = new StreamWriter(name))
            {
                h.OutputPercentileDistribution(writer, 5, 1.0, false);
            }

            Console.WriteLine($"hgrm    {name}");
        }
    }

    private sealed class Options
    {
        public string Host { get; private set; } = "127.0.0.1";

        public int Port { get; private set; }

        public string Durability { get; private set; } = "Batch";

        public int Connections { get; private set; } = 8;

        public int Window { get; private set; } = 1024;

        public int Batch { get; private set; } = 64;

        public double Rate { get; private set; }

        public double DurationSeconds { get; private set; } = 10;

        public double WarmupSeconds { get; private set; } = 3;

        public int Accounts { get; private set; } = 10_000;

        public string? Out { get; private set; }

        public string ServerArgs { get; private set; } = string.Empty;

        public static Options Parse(string[] args)
        {
            var o = new Options();
            for (int i = 0; i + 1 < args.Length; i += 2)
            {
                string v = args[i + 1];
                switch (args[i])
                {
                    case "--host": o.Host = v; break;
                    case "--port": o.Port = int.Parse(v, CultureInfo.InvariantCulture); break;
                    case "--durability": o.Durability = v; break;
                    case "--connections": o.Connections = int.Parse(v, CultureInfo.InvariantCulture); break;
                    case "--window": o.Window = int.Parse(v, CultureInfo.InvariantCulture); break;
                    case "--batch": o.Batch = int.Parse(v, CultureInfo.InvariantCulture); break;
                    case "--rate": o.Rate = ParseRate(v); break;
                    case "--duration": o.DurationSeconds = double.Parse(v, CultureInfo.InvariantCulture); break;
                    case "--warmup": o.WarmupSeconds = double.Parse(v, CultureInfo.InvariantCulture); break;
                    case "--accounts": o.Accounts = int.Parse(v, CultureInfo.InvariantCulture); break;
                    case "--out": o.Out = v; break;
                    case "--server-args": o.ServerArgs = v; break;
                    default: throw new ArgumentException($"Unknown option {args[i]}.");
                }
            }

            return o;
        }

        private static double ParseRate(string v) => v.EndsWith('k')
            ? double.Parse(v[..^1], CultureInfo.InvariantCulture) * 1000
            : double.Parse(v, CultureInfo.InvariantCulture);
    }
}
