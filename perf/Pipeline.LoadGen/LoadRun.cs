using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Client;
using Pipeline.Protocol;

namespace Pipeline.LoadGen;

/// <summary>
/// The <c>load</c> verb: starts the server (or uses the one at --host/--port), opens the accounts, drives the ledger
/// mix open or closed loop through a warm-up and a measured part, and writes <c>&lt;name&gt;.json</c> and
/// <c>&lt;name&gt;.hgrm</c>.
/// </summary>
internal static class LoadRun
{
    /// <summary>How long the answers to the last commands may take after the end.</summary>
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long the subscribers may take after the drain to reach the final head.</summary>
    public static readonly TimeSpan SubscriberSettleTimeout = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan s_serverStartTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan s_serverStopTimeout = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(LoadGenOptions o, TextWriter output)
    {
        string? failure = null;
        LoadOutcome? outcome = null;
        ServerProcess? server = null;
        SubscriberGroup? subscribers = null;
        SubscribersReport? subscribersReport = null;
        HdrHistogram.LongHistogram? sentDelivery = null;
        HdrHistogram.LongHistogram? delivery = null;
        try
        {
            server = o.Port == 0
                ? await ServerProcess.StartAsync(ServerProcess.NewDataDirectory(), o.Durability, o.ServerArgs, deleteData: true, s_serverStartTimeout).ConfigureAwait(false)
                : null;
            int port = server?.Port ?? o.Port;
            output.WriteLine($"server  {(server is null ? "external" : "started")} on {o.Host}:{port}, durability {(server is null ? "as configured there" : o.Durability)}");
            await SetupAsync(o.Host, port, o.Accounts, output).ConfigureAwait(false);
            if (o.Subscribers > 0)
            {
                subscribers = await SubscriberGroup.ConnectAsync(o.Host, port, o.Subscribers, o.SubscribeFromStart, o.Credits, TimeProvider.System).ConfigureAwait(false);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"subs    {o.Subscribers} subscribers connected (protocol 3, credits {o.Credits}); they subscribe from the {(o.SubscribeFromStart ? "start" : "end")} of the store when the measured part starts"));
            }

            outcome = o.Mode == LoadMode.Open
                ? await RunOpenAsync(o, port, server, subscribers, output).ConfigureAwait(false)
                : await RunClosedAsync(o.Host, port, o.Connections, o.Accounts, o.Window, o.Batch, o.Warmup, o.Duration, long.MaxValue, server, output, subscribers).ConfigureAwait(false);
            failure = outcome.Failure;
            if (subscribers is not null)
            {
                if (outcome.ServerExitCode is null)
                {
                    await subscribers.SettleAsync(outcome.MaxSequence, SubscriberSettleTimeout).ConfigureAwait(false);
                }

                await subscribers.StopAsync().ConfigureAwait(false);
                delivery = subscribers.MergedDurable();
                sentDelivery = subscribers.MergedSent();
                subscribersReport = subscribers.Report(o.Name + ".subscribe.hgrm", delivery, o.Duration, o.Name + ".subscribe-sent.hgrm");
                failure ??= subscribersReport.Failure;
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            failure = ex.GetType().Name + ": " + ex.Message;
        }
        finally
        {
            if (subscribers is not null)
            {
                await subscribers.DisposeAsync().ConfigureAwait(false);
            }

            if (server is not null)
            {
                if (failure is null && server.Exited.IsCompleted)
                {
                    failure = "the server exited during the run";
                }
                else if (await server.StopAsync(s_serverStopTimeout).ConfigureAwait(false) is not 0 and var code)
                {
                    output.WriteLine(code is null
                        ? "server  did not stop within " + s_serverStopTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture) + " s of SIGTERM; killed"
                        : "server  exited with code " + code.Value.ToString(CultureInfo.InvariantCulture) + " after SIGTERM");
                }

                ReportServerWarnings(server, output);

                await server.DisposeAsync().ConfigureAwait(false);
            }
        }

        bool open = o.Mode == LoadMode.Open;
        LatencyRecorder merged = LatencyRecorder.Merge(
            outcome is null ? [] : [.. outcome.Trackers.Select(t => t.Recorder)],
            System.Diagnostics.Stopwatch.Frequency,
            trackService: open);
        long acks = outcome?.Acks ?? 0;
        var result = new LoadResult(
            o.Name,
            open ? "open" : "closed",
            o.Durability,
            open ? o.Rate : null,
            open ? PacingText(o.Pacing) : null,
            o.Connections,
            open ? null : o.Window,
            open ? null : o.Batch,
            o.Duration.TotalSeconds,
            outcome?.Commands ?? 0,
            acks,
            outcome?.Rejected ?? 0,
            outcome?.Errors ?? 0,
            Math.Round(acks / o.Duration.TotalSeconds, 1),
            failure is not null,
            failure,
            o.Name + ".hgrm",
            LatencySummary.From(merged.Latency),
            merged.Service is null ? null : LatencySummary.From(merged.Service),
            outcome?.MachineCpu,
            new TimelineReport((int)LatencyRecorder.TimelineInterval.TotalMilliseconds, merged.Timeline.Intervals(merged.TimestampFrequency)),
            subscribersReport);
        (string json, string hgrm) = RunResultWriter.WriteLoad(o.OutDirectory, result, merged.Latency);
        Report(result, output);
        if (subscribersReport is not null && delivery is not null)
        {
            SubscriberGroup.Write(subscribersReport, output);
            output.WriteLine($"hgrm    {RunResultWriter.WriteSubscribeHgrm(o.OutDirectory, subscribersReport, delivery)}");
            if (sentDelivery is not null && subscribersReport.SentHgrm is { } sentHgrm)
            {
                output.WriteLine($"hgrm    {RunResultWriter.WriteHgrmFile(o.OutDirectory, sentHgrm, sentDelivery)}");
            }
        }

        output.WriteLine($"json    {json}");
        output.WriteLine($"hgrm    {hgrm}");
        return result.Failed ? 1 : 0;
    }

    /// <summary>The pacing as the log line and the result JSON name it.</summary>
    public static string PacingText(OpenLoopPacing pacing) => pacing == OpenLoopPacing.Spread ? "spread" : "shared";

    /// <summary>Opens every account and gives it a starting balance (before the timed part).</summary>
    public static async Task SetupAsync(string host, int port, int accounts, TextWriter output)
    {
        await using PipelineClient client = await PipelineClient.ConnectAsync(new PipelineClientOptions { Host = host, Port = port, ClientName = "loadgen-setup" }).ConfigureAwait(false);
        int refused = 0;
        foreach ((string Type, ReadOnlyMemory<byte> Payload)[] chunk in LedgerWorkload.Setup(accounts).Chunk(2000))
        {
            Ack[] acks = await client.PublishBatchAsync(chunk).ConfigureAwait(false);
            foreach (Ack ack in acks)
            {
                if (ack.Status is AckStatus.Invalid or AckStatus.Duplicate)
                {
                    throw new InvalidOperationException($"Setup command answered {ack.Status}: {ack.Detail}");
                }

                refused += ack.Status == AckStatus.Rejected ? 1 : 0;
            }
        }

        // Accounts already open (a second run against the same external server) are refused: harmless.
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"setup   {accounts:N0} accounts opened and funded{(refused > 0 ? $" ({refused:N0} setup commands refused: already there)" : string.Empty)}"));
    }

    private static async Task<PipelineClient[]> ConnectAsync(string host, int port, int connections)
    {
        var clients = new PipelineClient[connections];
        for (int c = 0; c < connections; c++)
        {
            // A producer id per connection: the server resumes after whatever an earlier run with that id journaled.
            clients[c] = await PipelineClient.ConnectAsync(new PipelineClientOptions { Host = host, Port = port, ProducerId = (ulong)(1000 + c + 1), ClientName = "loadgen" }).ConfigureAwait(false);
        }

        return clients;
    }

    private static async Task DisposeAllAsync(PipelineClient[] clients)
    {
        foreach (PipelineClient client in clients)
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<LoadOutcome> RunOpenAsync(LoadGenOptions o, int port, ServerProcess? server, SubscriberGroup? subscribers, TextWriter output)
    {
        PipelineClient[] clients = await ConnectAsync(o.Host, port, o.Connections).ConfigureAwait(false);
        try
        {
            var workloads = new LedgerWorkload[o.Connections];
            for (int c = 0; c < o.Connections; c++)
            {
                workloads[c] = new LedgerWorkload(seed: c, o.Accounts);
            }

            // The schedule starts once everything slow is built, so the pacer does not begin with a backlog.
            TimeProvider time = TimeProvider.System;
            long frequency = time.TimestampFrequency;
            var trackers = new ConnectionTracker[o.Connections];
            var senders = new IBatchSender[o.Connections];
            long start = time.GetTimestamp() + (frequency / 100);
            long measureFrom = start + (long)(o.Warmup.TotalSeconds * frequency);
            long end = measureFrom + (long)(o.Duration.TotalSeconds * frequency);
            var schedule = new OpenLoopSchedule(o.Rate, start, frequency, o.Connections);
            for (int c = 0; c < o.Connections; c++)
            {
                trackers[c] = new ConnectionTracker(c, schedule, time, measureFrom, subscribers?.Times);
                senders[c] = new ClientBatchSender(clients[c], trackers[c], trackers[c]);
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"run     open loop at {o.Rate:N0}/s, {o.Connections} connections, pacing {PacingText(o.Pacing)}, warm-up {o.Warmup.TotalSeconds} s, measured {o.Duration.TotalSeconds} s"));
            var driver = new OpenLoopDriver(schedule, end, senders, workloads, o.Pacing);
            using var stop = new CancellationTokenSource();
            Task progress = StartProgress(output, trackers, time, start, measureFrom, end, stop.Token);
            using var footprint = GcFootprint.Start();
            Task<MachineCpuReport?> cpu = MachineCpuWindow.MeasureAsync(time, measureFrom, end, CpuTimes.Read, stop.Token);
            Task<string?> serverCpu = MeasureServerCpuAsync(server, trackers, time, measureFrom, end, stop.Token);
            subscribers?.Start(measureFrom, end);
            Task pacing = driver.RunAsync(time, stop.Token);
            int? exitCode = await WaitOrServerExitAsync(pacing, server, Timeout.InfiniteTimeSpan).ConfigureAwait(false);
            if (subscribers is not null && exitCode is null)
            {
                await subscribers.MarkEndAsync().ConfigureAwait(false);
            }

            await stop.CancelAsync().ConfigureAwait(false);
            await pacing.ConfigureAwait(false);
            MachineCpuReport? machineCpu = await cpu.ConfigureAwait(false);
            string? serverCpuLine = await serverCpu.ConfigureAwait(false);
            exitCode ??= await DrainAsync(trackers, server).ConfigureAwait(false);
            await progress.ConfigureAwait(false);
            output.WriteLine(footprint.Report(trackers.Sum(t => t.Completed)));
            output.WriteLine(MachineCpuReport.Line(machineCpu));
            if (serverCpuLine is not null)
            {
                output.WriteLine(serverCpuLine);
            }

            return new LoadOutcome(trackers, schedule.CountBefore(end) - schedule.CountBefore(measureFrom), exitCode, machineCpu);
        }
        finally
        {
            await DisposeAllAsync(clients).ConfigureAwait(false);
        }
    }

    /// <summary>Closed loop for a time (load) or a command count (the recovery verb's journal build-up).</summary>
    public static async Task<LoadOutcome> RunClosedAsync(string host, int port, int connections, int accounts, int window, int batch, TimeSpan warmup, TimeSpan duration, long commandLimit, ServerProcess? server, TextWriter output, SubscriberGroup? subscribers = null, Action<IReadOnlyList<ConnectionTracker>>? onStarted = null)
    {
        PipelineClient[] clients = await ConnectAsync(host, port, connections).ConfigureAwait(false);
        try
        {
            var workloads = new LedgerWorkload[connections];
            for (int c = 0; c < connections; c++)
            {
                workloads[c] = new LedgerWorkload(seed: c, accounts);
            }

            TimeProvider time = TimeProvider.System;
            long frequency = time.TimestampFrequency;
            long start = time.GetTimestamp();
            long measureFrom = start + (long)(warmup.TotalSeconds * frequency);
            long end = duration == Timeout.InfiniteTimeSpan ? long.MaxValue : measureFrom + (long)(duration.TotalSeconds * frequency);
            var trackers = new ConnectionTracker[connections];
            var loops = new ClosedLoopConnection[connections];
            for (int c = 0; c < connections; c++)
            {
                trackers[c] = new ConnectionTracker(c, schedule: null, time, measureFrom, subscribers?.Times);
                long limit = commandLimit == long.MaxValue ? long.MaxValue : (commandLimit / connections) + (c < commandLimit % connections ? 1 : 0);
                loops[c] = new ClosedLoopConnection(trackers[c], workloads[c], time, window, batch, end, limit);
            }

            output.WriteLine(commandLimit == long.MaxValue
                ? string.Create(CultureInfo.InvariantCulture, $"run     closed loop, window {window} in batches of {batch}, {connections} connections, warm-up {warmup.TotalSeconds} s, measured {duration.TotalSeconds} s")
                : string.Create(CultureInfo.InvariantCulture, $"run     closed loop until {commandLimit:N0} commands, window {window} in batches of {batch}, {connections} connections"));
            using var stop = new CancellationTokenSource();
            Task progress = StartProgress(output, trackers, time, start, measureFrom, end, stop.Token);
            using var footprint = GcFootprint.Start();
            using var measured = new CancellationTokenSource();
            Task<MachineCpuReport?> cpu = MachineCpuWindow.MeasureAsync(time, measureFrom, end, CpuTimes.Read, measured.Token);
            Task<string?> serverCpu = MeasureServerCpuAsync(server, trackers, time, measureFrom, end, measured.Token);
            subscribers?.Start(measureFrom, end);
            onStarted?.Invoke(trackers);
            for (int c = 0; c < connections; c++)
            {
                loops[c].Start(new ClientBatchSender(clients[c], loops[c], trackers[c]));
            }

            // Until the end time, or until every connection reached its limit and drained.
            Task finished = Task.WhenAll(trackers.Select(t => t.Drained));
            TimeSpan untilEnd = end == long.MaxValue ? Timeout.InfiniteTimeSpan : time.GetElapsedTime(time.GetTimestamp(), end);
            int? exitCode = await WaitOrServerExitAsync(finished, server, untilEnd).ConfigureAwait(false);
            if (subscribers is not null && exitCode is null)
            {
                await subscribers.MarkEndAsync().ConfigureAwait(false);
            }

            await measured.CancelAsync().ConfigureAwait(false);
            MachineCpuReport? machineCpu = await cpu.ConfigureAwait(false);
            string? serverCpuLine = await serverCpu.ConfigureAwait(false);
            foreach (ClosedLoopConnection loop in loops)
            {
                loop.Stop();
            }

            exitCode ??= await DrainAsync(trackers, server).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            await progress.ConfigureAwait(false);
            output.WriteLine(footprint.Report(trackers.Sum(t => t.Completed)));
            output.WriteLine(MachineCpuReport.Line(machineCpu));
            if (serverCpuLine is not null)
            {
                output.WriteLine(serverCpuLine);
            }

            return new LoadOutcome(trackers, trackers.Sum(t => t.MeasuredSent), exitCode, machineCpu);
        }
        finally
        {
            await DisposeAllAsync(clients).ConfigureAwait(false);
        }
    }

    // The started server's own CPU time per acknowledged command over the measured part: a cost that the generator's
    // share of the 2 CPUs and other load on the machine disturb far less than the rate (null for an external server).
    private static async Task<string?> MeasureServerCpuAsync(ServerProcess? server, ConnectionTracker[] trackers, TimeProvider time, long from, long to, CancellationToken token)
    {
        if (server is null || !await MachineCpuWindow.DelayUntilAsync(time, from, token).ConfigureAwait(false) || server.CpuTime is not { } first)
        {
            return null;
        }

        long started = time.GetTimestamp();
        long completedFirst = trackers.Sum(t => t.Completed);
        await MachineCpuWindow.DelayUntilAsync(time, to, token).ConfigureAwait(false);
        long commands = trackers.Sum(t => t.Completed) - completedFirst;
        if (server.CpuTime is not { } last || commands <= 0)
        {
            return null;
        }

        double seconds = (last - first).TotalSeconds;
        double wall = time.GetElapsedTime(started).TotalSeconds;
        return string.Create(CultureInfo.InvariantCulture,
            $"server  cpu {seconds / Math.Max(wall, 1e-9):F2} CPUs in the measured part, {seconds * 1e6 / commands:F2} us per acknowledged command ({commands:N0} commands)");
    }

    // Waits for the task, the timeout or the server's exit; returns the exit code if the server exited.
    private static async Task<int?> WaitOrServerExitAsync(Task task, ServerProcess? server, TimeSpan timeout)
    {
        Task delay = timeout == Timeout.InfiniteTimeSpan ? Task.Delay(Timeout.Infinite) : Task.Delay(timeout < TimeSpan.Zero ? TimeSpan.Zero : timeout);
        Task exited = server?.Exited ?? Task.Delay(Timeout.Infinite);
        Task first = await Task.WhenAny(task, delay, exited).ConfigureAwait(false);
        return first == exited ? await server!.Exited.ConfigureAwait(false) : null;
    }

    private static async Task<int?> DrainAsync(ConnectionTracker[] trackers, ServerProcess? server)
    {
        foreach (ConnectionTracker tracker in trackers)
        {
            tracker.Finish();
        }

        int? exitCode = await WaitOrServerExitAsync(Task.WhenAll(trackers.Select(t => t.Drained)), server, DrainTimeout).ConfigureAwait(false);
        foreach (ConnectionTracker tracker in trackers)
        {
            if (!tracker.Drained.IsCompleted)
            {
                tracker.CountMissing();
            }
        }

        return exitCode;
    }

    private static Task StartProgress(TextWriter output, ConnectionTracker[] trackers, TimeProvider time, long start, long measureFrom, long end, CancellationToken token)
    {
        var progress = new ProgressReporter(
            output,
            start,
            () =>
            {
                long now = time.GetTimestamp();
                return now < measureFrom ? "warm-up" : now < end ? "measure" : "drain";
            },
            () => (trackers.Sum(t => t.Completed), trackers.Sum(t => t.Errors)));
        return progress.RunAsync(token);
    }

    // A slow-disk warning (a group commit of 100 ms or more) explains a latency spike: it belongs beside the figures.
    private static void ReportServerWarnings(ServerProcess server, TextWriter output)
    {
        (int count, IReadOnlyList<string> first) = server.Warnings();
        if (count == 0)
        {
            return;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"server  {count} warning(s) logged; the first {first.Count}:"));
        foreach (string line in first)
        {
            output.WriteLine("  " + line);
        }
    }

    // The intervals with the largest latencies, in time order: enough to tell one stall from a periodic one.
    private static void ReportSlowest(TimelineReport timeline, TextWriter output)
    {
        const int Shown = 5;
        TimelineInterval[] slowest = [.. timeline.Intervals.Where(i => i.Count > 0).OrderByDescending(i => i.MaxUs).Take(Shown).OrderBy(i => i.StartSeconds)];
        if (slowest.Length == 0)
        {
            return;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"slowest {timeline.IntervalMs} ms intervals (s into the measured part: max ms):  {string.Join("   ", slowest.Select(i => string.Create(CultureInfo.InvariantCulture, $"{i.StartSeconds:F1}: {i.MaxUs / 1000.0:F1}")))}"));
    }

    private static void Report(LoadResult r, TextWriter output)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"result  {r.Name}: {r.Commands:N0} commands, {r.Acks:N0} acks ({r.Throughput:N0}/s), rejected by rules {r.Rejected:N0}, errors {r.Errors:N0}"));
        LatencySummary l = r.LatencyUs;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"latency us  p50 {l.P50}  p90 {l.P90}  p99 {l.P99}  p99.9 {l.P99_9}  p99.99 {l.P99_99}  max {l.Max}  mean {l.Mean:F1}{(r.Mode == "open" ? "   (from intended send time)" : "   (from send)")}"));
        if (r.ServiceUs is { } s)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"service us  p50 {s.P50}  p90 {s.P90}  p99 {s.P99}  p99.9 {s.P99_9}  p99.99 {s.P99_99}  max {s.Max}  mean {s.Mean:F1}   (from actual send)"));
        }

        ReportSlowest(r.Timeline, output);
        if (r.Failed)
        {
            output.WriteLine("FAILED  " + r.Failure);
        }
    }
}
