using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Client;
using Pipeline.Protocol;

namespace Pipeline.LoadGen;

/// <summary>
/// The <c>catchup</c> verb: starts the server, fills its event store with N ledger commands (closed loop, after the
/// account setup), then reads the whole store from the start as fast as one client can, R times: a push subscription
/// with a large credit window, then (optionally) FETCH in a loop. Reports the medians in <c>&lt;name&gt;.json</c>.
/// </summary>
internal static class CatchupRun
{
    /// <summary>Events per FETCH (the protocol's maximum).</summary>
    public const int FetchCount = 10_000;

    private const int RecordOverheadBytes = 50;

    /// <summary>The account whose stream the stream reads time: opened, then 999 deposits spread over the fill.</summary>
    public const string ProbeAccount = "probe";

    /// <summary>Events in the probe account's stream (its open and its deposits).</summary>
    public const int ProbeEvents = 1000;

    private const int UntimedStreamReads = 5;

    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_readTimeout = TimeSpan.FromMinutes(5);

    public static async Task<int> RunAsync(LoadGenOptions o, TextWriter output)
    {
        string? failure = null;
        double fillSeconds = 0;
        long head = 0;
        var reads = new List<CatchupRead>();
        var fetchReads = new List<CatchupRead>();
        StreamReadReport? streamRead = null;
        try
        {
            await using ServerProcess server = await ServerProcess.StartAsync(ServerProcess.NewDataDirectory(), o.Durability, o.ServerArgs, deleteData: true, s_startTimeout).ConfigureAwait(false);
            output.WriteLine($"server  started on port {server.Port}, durability {o.Durability}");
            await LoadRun.SetupAsync("127.0.0.1", server.Port, o.Accounts, output).ConfigureAwait(false);
            await using PipelineClient probeWriter = await ConnectAsync(server.Port, "loadgen-probe").ConfigureAwait(false);
            var probes = new ProbeWriter(probeWriter, o.StreamReads > 0 ? ProbeEvents - 1 : 0, o.Events);
            if (o.StreamReads > 0)
            {
                await probes.OpenAsync().ConfigureAwait(false);
            }

            long started = Stopwatch.GetTimestamp();
            Task probing = Task.CompletedTask;
            LoadOutcome fill = await LoadRun.RunClosedAsync("127.0.0.1", server.Port, o.Connections, o.Accounts, o.Window, o.Batch, TimeSpan.Zero, Timeout.InfiniteTimeSpan, o.Events, server, output, onStarted: trackers => probing = probes.RunAsync(trackers)).ConfigureAwait(false);
            probes.FillDone();
            await probing.ConfigureAwait(false);
            fillSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            if (fill.Failure is { } fillFailure)
            {
                throw new InvalidOperationException("filling the store failed: " + fillFailure);
            }

            await using (PipelineClient observer = await ConnectAsync(server.Port, "loadgen-head").ConfigureAwait(false))
            {
                head = await SubscriberGroup.ReadHeadAsync(observer, fill.MaxSequence).ConfigureAwait(false);
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"filled  {o.Events:N0} commands in {fillSeconds:F1} s; the store holds {head:N0} events"));
            for (int r = 0; r < o.Repeat; r++)
            {
                CatchupRead read = await SubscribeReadAsync(server.Port, o.Credits, head).ConfigureAwait(false);
                reads.Add(read);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"read    subscribe {r + 1}/{o.Repeat}: {read.Events:N0} events in {read.Seconds:F3} s: {read.EventsPerSecond:N0} events/s, {read.BytesPerSecond / 1048576:F1} MiB/s"));
            }

            for (int r = 0; o.Fetch && r < o.Repeat; r++)
            {
                CatchupRead read = await FetchReadAsync(server.Port, head).ConfigureAwait(false);
                fetchReads.Add(read);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"read    fetch {r + 1}/{o.Repeat}: {read.Events:N0} events in {read.Seconds:F3} s: {read.EventsPerSecond:N0} events/s, {read.BytesPerSecond / 1048576:F1} MiB/s"));
            }

            if (o.StreamReads > 0)
            {
                streamRead = await StreamReadsAsync(probeWriter, o.StreamReads).ConfigureAwait(false);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"read    stream {streamRead.Stream} ({streamRead.StreamEvents} events) x {streamRead.Reads}: p50 {streamRead.Us.P50} us, p99 {streamRead.Us.P99} us"));
            }

            if (await server.StopAsync(s_stopTimeout).ConfigureAwait(false) is not 0 and var code)
            {
                output.WriteLine(code is null ? "server  did not stop after SIGTERM; killed" : string.Create(CultureInfo.InvariantCulture, $"server  exited with code {code} after SIGTERM"));
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            failure = ex.GetType().Name + ": " + ex.Message;
        }

        var result = new CatchupResult(
            o.Name,
            o.Events,
            o.Durability,
            Math.Round(fillSeconds, 3),
            head,
            o.Credits,
            o.Repeat,
            Math.Round(Median(reads.Select(r => r.EventsPerSecond)), 1),
            Math.Round(Median(reads.Select(r => r.BytesPerSecond)), 1),
            reads,
            fetchReads.Count == 0 ? null : Math.Round(Median(fetchReads.Select(r => r.EventsPerSecond)), 1),
            fetchReads.Count == 0 ? null : Math.Round(Median(fetchReads.Select(r => r.BytesPerSecond)), 1),
            fetchReads,
            failure is not null,
            failure,
            streamRead);
        string json = RunResultWriter.WriteCatchup(o.OutDirectory, result);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"result  {result.Name}: subscribe {result.EventsPerSecond:N0} events/s ({result.BytesPerSecond / 1048576:F1} MiB/s), median of {reads.Count}{(result.FetchEventsPerSecond is { } f ? string.Create(CultureInfo.InvariantCulture, $"; fetch {f:N0} events/s") : string.Empty)}"));
        if (failure is not null)
        {
            output.WriteLine("FAILED  " + failure);
        }

        output.WriteLine($"json    {json}");
        return result.Failed ? 1 : 0;
    }

    // Reads the probe stream whole (5 untimed, then `reads` timed); every read must return exactly its 1,000 events.
    private static async Task<StreamReadReport> StreamReadsAsync(PipelineClient client, int reads)
    {
        string stream = "account-" + ProbeAccount;
        var histogram = new HdrHistogram.LongHistogram(LatencyRecorder.HighestTrackableMicroseconds, 3);
        using var timeout = new CancellationTokenSource(s_readTimeout);
        for (int i = 0; i < UntimedStreamReads + reads; i++)
        {
            long started = Stopwatch.GetTimestamp();
            long events = 0;
            ulong from = 1;
            while (true)
            {
                ReadResult page = await client.ReadStreamAsync(stream, from, FetchCount, cancellationToken: timeout.Token).ConfigureAwait(false);
                if (page.Status != ReadStatus.Ok)
                {
                    throw new InvalidOperationException($"READ of {stream} from {from} answered {page.Status}: {page.Message}");
                }

                events += page.Events.Count;
                if (page.Events.Count < FetchCount)
                {
                    break;
                }

                from = page.Next;
            }

            long elapsed = Stopwatch.GetTimestamp() - started;
            if (events != ProbeEvents)
            {
                throw new InvalidOperationException($"READ of {stream} returned {events} events, not {ProbeEvents}");
            }

            if (i >= UntimedStreamReads)
            {
                histogram.RecordValue((long)(elapsed * 1_000_000.0 / Stopwatch.Frequency));
            }
        }

        return new StreamReadReport(stream, ProbeEvents, reads, LatencySummary.From(histogram));
    }

    /// <summary>The median (the mean of the middle two for an even count); 0 for none.</summary>
    public static double Median(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        double[] sorted = [.. values.Order()];
        if (sorted.Length == 0)
        {
            return 0;
        }

        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>An event record's size on the wire (PUSH and EVENTS carry the same records).</summary>
    public static long RecordBytes(StoredEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return RecordOverheadBytes + Encoding.UTF8.GetByteCount(e.Stream) + Encoding.UTF8.GetByteCount(e.Type) + e.Payload.Length;
    }

    private static Task<PipelineClient> ConnectAsync(int port, string name) => PipelineClient.ConnectAsync(new PipelineClientOptions
    {
        Port = port,
        ClientName = name,
        ProtocolVersion = FrameHeader.ConsumerProtocolVersion,
    });

    // One subscriber from position 1 until the event at the head (the store does not grow meanwhile).
    private static async Task<CatchupRead> SubscribeReadAsync(int port, int credits, long head)
    {
        await using PipelineClient client = await ConnectAsync(port, "loadgen-catchup").ConfigureAwait(false);
        using var timeout = new CancellationTokenSource(s_readTimeout);
        long events = 0;
        long bytes = 0;
        long started = Stopwatch.GetTimestamp();
        if (head > 0)
        {
            await foreach (SubscriptionItem item in client.SubscribeAsync(new SubscriptionOptions { Start = SubscriptionStart.Beginning, Credits = credits }, timeout.Token).ConfigureAwait(false))
            {
                if (item.Kind == SubscriptionItemKind.Event)
                {
                    events++;
                    bytes += RecordBytes(item.Event!);
                }

                if ((long)item.Position >= head)
                {
                    break;
                }
            }
        }

        return Read(Stopwatch.GetElapsedTime(started).TotalSeconds, events, bytes);
    }

    // FETCH from position 1 in a loop of FetchCount events until past the head.
    private static async Task<CatchupRead> FetchReadAsync(int port, long head)
    {
        await using PipelineClient client = await ConnectAsync(port, "loadgen-fetch").ConfigureAwait(false);
        using var timeout = new CancellationTokenSource(s_readTimeout);
        long events = 0;
        long bytes = 0;
        ulong next = 1;
        long started = Stopwatch.GetTimestamp();
        while ((long)next <= head)
        {
            FetchResult answer = await client.FetchAsync(new FetchRequest { From = next, MaxCount = FetchCount, MaxBytes = ConsumerLimits.MaxFetchBytes }, timeout.Token).ConfigureAwait(false);
            if (answer.Status != ReadStatus.Ok)
            {
                throw new InvalidOperationException($"FETCH from {next} answered {answer.Status}: {answer.Message}");
            }

            foreach (StoredEvent e in answer.Events)
            {
                bytes += RecordBytes(e);
            }

            events += answer.Events.Count;
            next = answer.Next;
        }

        return Read(Stopwatch.GetElapsedTime(started).TotalSeconds, events, bytes);
    }

    private static CatchupRead Read(double seconds, long events, long bytes)
    {
        double s = Math.Max(seconds, 1e-9);
        return new CatchupRead(Math.Round(seconds, 4), events, bytes, Math.Round(events / s, 1), Math.Round(bytes / s, 1));
    }
}

/// <summary>
/// Writes the probe account's stream during the fill: the open before it, then one deposit each time the fill's
/// acknowledged commands pass the next of <c>deposits</c> equal steps, so that the stream's events are spread over the
/// whole store as an aggregate's events are over time (a stream read then touches as many places as it has events).
/// </summary>
internal sealed class ProbeWriter(PipelineClient client, int deposits, long fillCommands)
{
    private readonly TaskCompletionSource _fillDone = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task OpenAsync()
    {
        await ExpectOkAsync("ledger.open", $"{{\"account\":\"{CatchupRun.ProbeAccount}\"}}").ConfigureAwait(false);
    }

    public void FillDone() => _fillDone.TrySetResult();

    /// <summary>Sends the deposits as the fill progresses; those still due when it ends are sent then.</summary>
    public async Task RunAsync(IReadOnlyList<ConnectionTracker> trackers)
    {
        for (int k = 1; k <= deposits; k++)
        {
            long due = fillCommands * k / (deposits + 1);

            // The fill has no completion event per command; its trackers' counters are polled every millisecond,
            // while the fill goes on (and not at all once it is done).
            while (!_fillDone.Task.IsCompleted && trackers.Sum(t => t.Completed) < due)
            {
                await Task.WhenAny(_fillDone.Task, Task.Delay(1)).ConfigureAwait(false);
            }

            await ExpectOkAsync("ledger.deposit", $"{{\"account\":\"{CatchupRun.ProbeAccount}\",\"amount\":{k}}}").ConfigureAwait(false);
        }
    }

    private async Task ExpectOkAsync(string type, string json)
    {
        Ack ack = await client.PublishAsync(type, Encoding.UTF8.GetBytes(json)).ConfigureAwait(false);
        if (ack.Status != AckStatus.Ok)
        {
            throw new InvalidOperationException($"the probe account's {type} was answered {ack.Status}");
        }
    }
}
