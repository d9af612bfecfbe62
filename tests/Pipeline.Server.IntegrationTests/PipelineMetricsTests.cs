using System.Collections.Generic;
using System.Diagnostics.Metrics;
using Pipeline.Hosting.Engine;
using Xunit;

namespace Pipeline.Server.IntegrationTests;

/// <summary>The instruments on the Meter "Pipeline" that dotnet-counters reads.</summary>
public sealed class PipelineMetricsTests
{
    [Fact]
    public void Counters_AfterEvents_AreReportedUnderTheirNamesOnThePipelineMeter()
    {
        using var metrics = new PipelineMetrics();
        var seen = new Dictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // This instance's meter only: servers of tests running in parallel publish on meters of the same name.
            if (instrument.Meter == metrics.Meter)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => Add(seen, instrument.Name, value));
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => Add(seen, instrument.Name, value));
        listener.Start();
        metrics.Observe(() => 3, () => 10, () => 2, () => 5);

        metrics.Ingested(4);
        metrics.Rejected();
        metrics.Invalid();
        metrics.Duplicate();
        metrics.Journaled(100);
        metrics.Acknowledged(1.5);
        metrics.Acknowledged(2.5);
        metrics.Committed(0.25);
        metrics.Committed(0.5);
        listener.RecordObservableInstruments();

        Assert.Equal(4, seen["pipeline.events.ingested"]);
        Assert.Equal(2, seen["pipeline.events.acknowledged"]);
        Assert.Equal(1, seen["pipeline.events.rejected"]);
        Assert.Equal(1, seen["pipeline.events.invalid"]);
        Assert.Equal(1, seen["pipeline.events.duplicate"]);
        Assert.Equal(100, seen["pipeline.journal.bytes"]);
        Assert.Equal(4.0, seen["pipeline.ack.latency"]);
        Assert.Equal(0.75, seen["pipeline.journal.commit.duration"]);
        Assert.Equal(3, seen["pipeline.journal.fsyncs"]);
        Assert.Equal(10, seen["pipeline.ring.occupancy"]);
        Assert.Equal(2, seen["pipeline.journal.durable_lag"]);
        Assert.Equal(5, seen["pipeline.connections"]);
    }

    [Fact]
    public void ConsumerGauges_PerConsumer_ReportedWithTheConsumerTag()
    {
        using var metrics = new PipelineMetrics();
        var seen = new Dictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // This instance's meter only: servers of tests running in parallel publish on meters of the same name.
            if (instrument.Meter == metrics.Meter)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string consumer = string.Empty;
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                consumer = tag.Key == "consumer" ? (string)tag.Value! : consumer;
            }

            Add(seen, consumer.Length == 0 ? instrument.Name : instrument.Name + "/" + consumer, value);
        });
        listener.Start();
        metrics.ObserveConsumers(
            () => [new Measurement<long>(40, new KeyValuePair<string, object?>("consumer", "a")), new Measurement<long>(7, new KeyValuePair<string, object?>("consumer", "b"))],
            () => [new Measurement<long>(2, new KeyValuePair<string, object?>("consumer", "a")), new Measurement<long>(35, new KeyValuePair<string, object?>("consumer", "b"))],
            () => 1234,
            () => 3);

        listener.RecordObservableInstruments();

        Assert.Equal((40, 7), (seen["pipeline.consumer.position/a"], seen["pipeline.consumer.position/b"]));
        Assert.Equal((2, 35), (seen["pipeline.consumer.lag/a"], seen["pipeline.consumer.lag/b"]));
        Assert.Equal(1234, seen["pipeline.subscriptions.pushed"]);
        Assert.Equal(3, seen["pipeline.subscriptions"]);
    }

    private static void Add(Dictionary<string, double> seen, string name, double value) =>
        seen[name] = seen.GetValueOrDefault(name) + value;
}
