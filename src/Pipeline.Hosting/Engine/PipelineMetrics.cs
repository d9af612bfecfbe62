using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;

namespace Pipeline.Hosting.Engine;

/// <summary>
/// The service's instruments on the Meter "Pipeline" (read them with <c>dotnet-counters monitor -n Pipeline.Server --counters Pipeline</c>).
/// </summary>
internal sealed class PipelineMetrics : IDisposable
{
    public const string MeterName = "Pipeline";
    private readonly Meter _meter;

    /// <summary>This instance's meter (several services in one process each have their own "Pipeline" meter).</summary>
    internal Meter Meter => _meter;
    private readonly Counter<long> _ingested;
    private readonly Counter<long> _acknowledged;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _invalid;
    private readonly Counter<long> _duplicate;
    private readonly Counter<long> _journalBytes;
    private readonly Histogram<double> _ackLatency;
    private readonly Histogram<double> _commitDuration;

    public PipelineMetrics(IMeterFactory? factory = null)
    {
        _meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        _ingested = _meter.CreateCounter<long>("pipeline.events.ingested", "{event}", "PUBLISH frames taken into the ring");
        _acknowledged = _meter.CreateCounter<long>("pipeline.events.acknowledged", "{event}", "ACKs sent (any status)");
        _rejected = _meter.CreateCounter<long>("pipeline.events.rejected", "{event}", "Commands refused by the application (REJECTED)");
        _invalid = _meter.CreateCounter<long>("pipeline.events.invalid", "{event}", "Commands refused before the journal (INVALID)");
        _duplicate = _meter.CreateCounter<long>("pipeline.events.duplicate", "{event}", "Commands already journaled for their producer (DUPLICATE)");
        _journalBytes = _meter.CreateCounter<long>("pipeline.journal.bytes", "By", "Bytes appended to the journal");
        _ackLatency = _meter.CreateHistogram<double>("pipeline.ack.latency", "ms", "From a PUBLISH taken off the socket to its ACK queued");
        _commitDuration = _meter.CreateHistogram<double>("pipeline.journal.commit.duration", "ms", "One group commit: the batch's write and, under Batch durability, its fsync");
    }

    public void Ingested(int count) => _ingested.Add(count);

    public void Rejected() => _rejected.Add(1);

    public void Invalid() => _invalid.Add(1);

    public void Duplicate() => _duplicate.Add(1);

    public void Journaled(int bytes) => _journalBytes.Add(bytes);

    public void Committed(double milliseconds) => _commitDuration.Record(milliseconds);

    public void Acknowledged(double latencyMilliseconds)
    {
        _acknowledged.Add(1);
        _ackLatency.Record(latencyMilliseconds);
    }

    /// <summary>Gauges read on demand from the running engine.</summary>
    public void Observe(Func<long> fsyncs, Func<long> ringOccupancy, Func<long> durableLag, Func<long> connections)
    {
        _meter.CreateObservableCounter("pipeline.journal.fsyncs", fsyncs, "{fsync}", "fsync calls on the journal");
        _meter.CreateObservableGauge("pipeline.ring.occupancy", ringOccupancy, "{event}", "Entries published and not yet through every stage");
        _meter.CreateObservableGauge("pipeline.journal.durable_lag", durableLag, "{event}", "Appended events not yet durable");
        _meter.CreateObservableGauge("pipeline.connections", connections, "{connection}", "Open ingest connections");
    }

    /// <summary>
    /// The consumers' gauges, read on demand: each durable consumer's checkpoint and lag behind the visible head (tag
    /// <c>consumer</c>), the events pushed to subscribers, and the open subscriptions.
    /// </summary>
    /// <summary>The flows' late events (metric pipeline.stream.late_events, tag <c>flow</c>): their state's counts, replays included.</summary>
    public void ObserveStreams<TEvent>(EngineStreams<TEvent> streams)
    {
        _meter.CreateObservableCounter("pipeline.stream.late_events", () =>
        {
            var counts = new Measurement<long>[streams.Definitions.Count];
            for (int i = 0; i < counts.Length; i++)
            {
                counts[i] = new Measurement<long>(streams.LateEvents(i), new KeyValuePair<string, object?>("flow", streams.Definitions[i].Name));
            }

            return counts;
        }, "{event}", "Events that arrived after their window closed and went to the late output");
    }

    public void ObserveConsumers(Func<IEnumerable<Measurement<long>>> positions, Func<IEnumerable<Measurement<long>>> lags, Func<long> pushed, Func<long> subscriptions)
    {
        _meter.CreateObservableGauge("pipeline.consumer.position", positions, "{event}", "A durable consumer's checkpoint: the last event position it committed");
        _meter.CreateObservableGauge("pipeline.consumer.lag", lags, "{event}", "Visible events after a durable consumer's checkpoint");
        _meter.CreateObservableCounter("pipeline.subscriptions.pushed", pushed, "{event}", "Events sent to subscribers in PUSH frames");
        _meter.CreateObservableGauge("pipeline.subscriptions", subscriptions, "{subscription}", "Open subscriptions");
    }

    public void Dispose() => _meter.Dispose();
}
