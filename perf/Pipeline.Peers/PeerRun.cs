using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using HdrHistogram;
using Pipeline.LoadGen;

namespace Pipeline.Peers;

/// <summary>One peer run: start the system's server, run the workload, write the result files, stop the server.</summary>
internal static class PeerRun
{
    /// <summary>Events per append call while filling the store for the read workload (setup, not measured).</summary>
    public const int FillBatch = 500;

    private const int UntimedStreamReads = 5;

    /// <summary>Runs it; returns the exit code (0 passed, 1 failed, 3 skipped: not installed).</summary>
    public static async Task<int> RunAsync(PeerOptions options, IPeerSystem system, TextWriter output, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(system);
        Directory.CreateDirectory(options.OutDirectory);
        string data = Path.Combine(options.OutDirectory, options.Name + ".data");
        if (Directory.Exists(data))
        {
            Directory.Delete(data, recursive: true);
        }

        using var log = new StreamWriter(Path.Combine(options.OutDirectory, options.Name + ".log"), append: false, new UTF8Encoding(false)) { AutoFlush = true };
        TextWriter syncLog = TextWriter.Synchronized(log);
        PeerResult result;
        try
        {
            await system.StartAsync(data, syncLog, cancellationToken).ConfigureAwait(false);
            result = options.Workload switch
            {
                PeerWorkloadKind.Append => await AppendAsync(options, system, time, cancellationToken).ConfigureAwait(false),
                PeerWorkloadKind.Read => await ReadAsync(options, system, time, output, cancellationToken).ConfigureAwait(false),
                _ => await SubscribeAsync(options, system, time, cancellationToken).ConfigureAwait(false),
            };
        }
        catch (PeerUnavailableException ex)
        {
            result = Empty(options, system) with { Skipped = ex.Message };
            output.WriteLine($"{options.Name}: skipped: {ex.Message}");
            WriteJson(options.OutDirectory, result);
            return PeerOptions.NotInstalled;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            syncLog.WriteLine(ex.ToString());
            result = Empty(options, system) with { Failed = true, Failure = $"{ex.GetType().Name}: {ex.Message}" };
        }
        finally
        {
            await system.DisposeAsync().ConfigureAwait(false);
        }

        WriteJson(options.OutDirectory, result);
        output.WriteLine(Describe(result));
        return result.Failed ? 1 : 0;
    }

    /// <summary>One line for the console: the run's headline figures or why it failed.</summary>
    public static string Describe(PeerResult r)
    {
        string head = $"{r.Name}: {r.System} {r.Workload}";
        if (r.Skipped is not null)
        {
            return $"{head}: skipped: {r.Skipped}";
        }

        string figures = r.Workload switch
        {
            "read" when r.Read is { } read => $"stream of {read.StreamEvents} p50 {read.StreamReadUs.P50} us p99 {read.StreamReadUs.P99} us; catch-up {read.CatchupEventsPerSecond:0} events/s",
            "subscribe" when r.Subscribe is { } s => $"{r.Throughput:0} events/s, delivery p50 {s.DeliveryUs.P50} us p99 {s.DeliveryUs.P99} us p99.9 {s.DeliveryUs.P99_9} us ({s.Delivered}/{s.Appended} received)",
            _ when r.LatencyUs is { } l => $"{r.Throughput:0} events/s, p50 {l.P50} us p99 {l.P99} us p99.9 {l.P99_9} us" + (r.Unsent > 0 ? $", {r.Unsent} unsent (fell behind)" : string.Empty),
            _ => string.Empty,
        };
        return $"{head}: {figures}" + (r.Failed ? $" FAILED: {r.Failure}" : string.Empty);
    }

    private static async Task<PeerResult> AppendAsync(PeerOptions options, IPeerSystem system, TimeProvider time, CancellationToken cancellationToken)
    {
        List<IPeerConnection> connections = await ConnectAsync(system, options.Connections, cancellationToken).ConfigureAwait(false);
        try
        {
            var load = new AppendLoad(options, system, connections, time);
            Task<MachineCpuReport?> cpu = MachineCpuWindow.MeasureAsync(time, load.MeasureStart, load.End, CpuTimes.Read, cancellationToken);
            await (options.OpenLoop ? load.RunOpenAsync(cancellationToken) : load.RunClosedAsync(cancellationToken)).ConfigureAwait(false);
            return FromLoad(options, system, load, await cpu.ConfigureAwait(false), subscribe: null);
        }
        finally
        {
            await DisposeAllAsync(connections).ConfigureAwait(false);
        }
    }

    private static async Task<PeerResult> SubscribeAsync(PeerOptions options, IPeerSystem system, TimeProvider time, CancellationToken cancellationToken)
    {
        List<IPeerConnection> connections = await ConnectAsync(system, options.Connections + 1, cancellationToken).ConfigureAwait(false);
        IPeerConnection reader = connections[^1];
        connections.RemoveAt(connections.Count - 1);
        try
        {
            var load = new AppendLoad(options, system, connections, time);
            var delivery = new LatencySink(time.TimestampFrequency);
            long delivered = 0;
            await using (await reader.SubscribeAsync(
                sent =>
                {
                    long received = time.GetTimestamp();
                    if (sent >= load.MeasureStart && sent < load.End)
                    {
                        delivery.Record(received - sent);
                        Interlocked.Increment(ref delivered);
                    }
                },
                cancellationToken).ConfigureAwait(false))
            {
                Task<MachineCpuReport?> cpu = MachineCpuWindow.MeasureAsync(time, load.MeasureStart, load.End, CpuTimes.Read, cancellationToken);
                await load.RunOpenAsync(cancellationToken).ConfigureAwait(false);
                MachineCpuReport? machine = await cpu.ConfigureAwait(false);

                // Events sent in the measured part, by send time, that the subscriber must see: the ones acknowledged
                // among those whose send fell in it. Wait (bounded) for the stragglers.
                long appended = load.Service.Histogram.TotalCount;
                long deadline = time.GetTimestamp() + (10 * time.TimestampFrequency);
                while (Interlocked.Read(ref delivered) < appended && time.GetTimestamp() < deadline)
                {
                    await Task.Delay(10, cancellationToken).ConfigureAwait(false);
                }

                string hgrm = options.Name + ".deliver.hgrm";
                WriteHgrm(Path.Combine(options.OutDirectory, hgrm), delivery.Histogram);
                long got = Interlocked.Read(ref delivered);
                var subscribe = new SubscribeReport(appended, got, hgrm, delivery.Summary());
                PeerResult result = FromLoad(options, system, load, machine, subscribe);
                if (result.Failed)
                {
                    return result;
                }

                // Nothing sent in the measured part means nothing was timed: the appends fell so far behind the rate
                // that every send came after it. Not a pass.
                return appended == 0
                    ? result with { Failed = true, Failure = "no event was sent and acknowledged in the measured part (the appends fell behind the rate): delivery not measured" }
                    : got < appended
                        ? result with { Failed = true, Failure = $"the subscriber received {got} of the {appended} events sent in the measured part" }
                        : result;
            }
        }
        finally
        {
            await DisposeAllAsync(connections).ConfigureAwait(false);
            await reader.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<PeerResult> ReadAsync(PeerOptions options, IPeerSystem system, TimeProvider time, TextWriter output, CancellationToken cancellationToken)
    {
        List<IPeerConnection> connections = await ConnectAsync(system, options.Connections, cancellationToken).ConfigureAwait(false);
        try
        {
            long fillStart = time.GetTimestamp();
            await FillAsync(options, connections, cancellationToken).ConfigureAwait(false);
            double fillSeconds = time.GetElapsedTime(fillStart).TotalSeconds;
            output.WriteLine($"{options.Name}: filled {options.Events} events in {fillSeconds:0.0} s");

            IPeerConnection reader = connections[0];
            var streamReads = new LatencySink(time.TimestampFrequency);
            long streamEvents = -1;
            for (int i = 0; i < UntimedStreamReads + options.StreamReads; i++)
            {
                long t0 = time.GetTimestamp();
                long count = await reader.ReadStreamAsync(PeerWorkload.ProbeStream, cancellationToken).ConfigureAwait(false);
                long t1 = time.GetTimestamp();
                if (count != PeerWorkload.ProbeEvents)
                {
                    return Empty(options, system) with { Failed = true, Failure = $"reading {PeerWorkload.ProbeStream} returned {count} events, not {PeerWorkload.ProbeEvents}" };
                }

                streamEvents = count;
                if (i >= UntimedStreamReads)
                {
                    streamReads.Record(t1 - t0);
                }
            }

            var seconds = new double[options.Repeat];
            for (int i = 0; i < options.Repeat; i++)
            {
                long t0 = time.GetTimestamp();
                long count = await reader.ReadAllAsync(cancellationToken).ConfigureAwait(false);
                seconds[i] = time.GetElapsedTime(t0).TotalSeconds;
                if (count != options.Events)
                {
                    return Empty(options, system) with { Failed = true, Failure = $"reading the whole store returned {count} events, not {options.Events}" };
                }
            }

            double median = seconds.Order().ElementAt(seconds.Length / 2);
            var read = new ReadReport(options.Events, Math.Round(fillSeconds, 3), streamEvents, options.StreamReads, streamReads.Summary(), [.. seconds.Select(s => Math.Round(s, 4))], Math.Round(options.Events / median, 1));
            return Empty(options, system) with { Read = read };
        }
        finally
        {
            await DisposeAllAsync(connections).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Fills the store: each connection appends its share of the mix in batches of <see cref="FillBatch"/>; connection 0
    /// also writes the probe stream's 1,000 events, spread evenly over its share (one writer per stream, as everywhere).
    /// </summary>
    internal static async Task FillAsync(PeerOptions options, IReadOnlyList<IPeerConnection> connections, CancellationToken cancellationToken)
    {
        int n = connections.Count;
        var fills = new Task[n];
        for (int c = 0; c < n; c++)
        {
            long share = (options.Events / n) + (c < options.Events % n ? 1 : 0);
            fills[c] = FillOneAsync(connections[c], new PeerWorkload(seed: 1000 + c, options.Accounts, c, n), share, probe: c == 0, cancellationToken);
        }

        await Task.WhenAll(fills).ConfigureAwait(false);
    }

    private static async Task FillOneAsync(IPeerConnection connection, PeerWorkload workload, long share, bool probe, CancellationToken cancellationToken)
    {
        long stride = probe ? share / PeerWorkload.ProbeEvents : long.MaxValue;
        int probes = 0;
        var batch = new PeerEvent[FillBatch];
        for (long written = 0; written < share;)
        {
            int count = (int)Math.Min(FillBatch, share - written);
            for (int i = 0; i < count; i++)
            {
                long index = written + i;
                batch[i] = probe && probes < PeerWorkload.ProbeEvents && index % stride == stride / 2
                    ? PeerWorkload.Probe(probes++)
                    : workload.Next();
            }

            await connection.AppendAsync(batch.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
            written += count;
        }
    }

    private static async Task<List<IPeerConnection>> ConnectAsync(IPeerSystem system, int count, CancellationToken cancellationToken)
    {
        var connections = new List<IPeerConnection>(count);
        try
        {
            for (int i = 0; i < count; i++)
            {
                connections.Add(await system.ConnectAsync(i, cancellationToken).ConfigureAwait(false));
            }
        }
        catch
        {
            await DisposeAllAsync(connections).ConfigureAwait(false);
            throw;
        }

        return connections;
    }

    private static async Task DisposeAllAsync(IEnumerable<IPeerConnection> connections)
    {
        foreach (IPeerConnection connection in connections)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static PeerResult FromLoad(PeerOptions options, IPeerSystem system, AppendLoad load, MachineCpuReport? machine, SubscribeReport? subscribe)
    {
        string hgrm = options.Name + ".hgrm";
        WriteHgrm(Path.Combine(options.OutDirectory, hgrm), load.Latency.Histogram);
        bool failed = load.Errors > 0;
        return Empty(options, system) with
        {
            Mode = options.OpenLoop ? "open" : "closed",
            TargetRate = options.OpenLoop ? options.Rate : null,
            Window = options.OpenLoop ? null : load.BatchesInFlight * options.Batch,
            DurationSeconds = options.Duration.TotalSeconds,
            Events = load.MeasuredEvents,
            Acked = load.Acked,
            Errors = load.Errors,
            Unsent = load.Unsent,
            Throughput = Math.Round(load.Acked / options.Duration.TotalSeconds, 1),
            Failed = failed,
            Failure = failed ? load.Failure ?? $"{load.Errors} appends failed" : null,
            Hgrm = hgrm,
            LatencyUs = load.Latency.Summary(),
            ServiceUs = options.OpenLoop ? load.Service.Summary() : null,
            Subscribe = subscribe,
            MachineCpu = machine,
        };
    }

    private static PeerResult Empty(PeerOptions options, IPeerSystem system) => new(
        options.Name, options.System, system.Settings, system.FsyncBeforeAck, options.Workload.ToString().ToLowerInvariant(),
        null, null, options.Connections, null, options.Batch, 0, 0, 0, 0, 0, 0, false, null, null, null, null, null, null, null, null);

    private static void WriteHgrm(string path, HistogramBase histogram)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        RunResultWriter.WriteHgrm(writer, histogram);
    }

    private static void WriteJson(string directory, PeerResult result) =>
        File.WriteAllText(Path.Combine(directory, result.Name + ".json"), System.Text.Json.JsonSerializer.Serialize(result, RunResultWriter.JsonOptions) + "\n");
}
