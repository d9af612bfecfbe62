using System;
using System.Diagnostics;
using Pipeline.Core;
using Pipeline.Core.Processing;
using Pipeline.Core.Waiting;

namespace Pipeline.Sample;

// A small tour of the engine until the worker service exists: one producer publishes numbered "orders" into a
// ring; two stateless handlers split the stream to validate them; a sequenced stateful handler applies them in
// order to a running total; one order is poisoned to show failure isolation.
internal static class Program
{
    private const int EventCount = 1_000_000;
    private const long PoisonSequence = 500_000;

    private static int Main()
    {
        var builder = new PipelineBuilder<Order>(1024, () => new Order(), waitStrategy: new BlockingWaitStrategy());
        var ledger = new TotalsHandler();
        builder.SplitAcross(new ValidateHandler(), new ValidateHandler()).Then(ledger, "totals");
        using EventPipeline<Order> pipeline = builder.Build();
        pipeline.Start();

        long started = Stopwatch.GetTimestamp();
        RingBuffer<Order> ring = pipeline.RingBuffer;
        const int batch = 64;
        for (long published = 0; published < EventCount; published += batch)
        {
            long high = ring.Next(batch);
            for (long sequence = high - batch + 1; sequence <= high; sequence++)
            {
                Order order = ring[sequence];
                order.Amount = sequence == PoisonSequence ? -1 : (sequence % 100) + 1;
                order.Valid = false;
            }

            ring.Publish(high - batch + 1, high);
        }

        bool drained = pipeline.Drain(TimeSpan.FromSeconds(30));
        TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
        bool halted = pipeline.Halt(TimeSpan.FromSeconds(5));

        Console.WriteLine($"published    {EventCount:N0} events through split(validate x2) -> totals");
        Console.WriteLine($"applied      {ledger.Applied:N0} events, total amount {ledger.Total:N0}");
        Console.WriteLine($"failures     {builder.Failures.Count} (isolated; the pipeline went on)");
        foreach (HandlerFailure failure in builder.Failures.Recent())
        {
            Console.WriteLine($"  sequence {failure.Sequence} in {failure.HandlerName}: {failure.Exception.Message}");
        }

        Console.WriteLine($"throughput   {EventCount / elapsed.TotalSeconds:N0} events/s ({elapsed.TotalMilliseconds:N0} ms, blocking wait strategy)");
        Console.WriteLine($"drained={drained} halted={halted}");
        return drained && halted ? 0 : 1;
    }

    private sealed class Order
    {
        public long Amount { get; set; }

        public bool Valid { get; set; }
    }

    private sealed class ValidateHandler : IEventHandler<Order>
    {
        public void OnEvent(ref Order entry, long sequence, bool endOfBatch)
        {
            if (entry.Amount <= 0)
            {
                throw new InvalidOperationException($"amount {entry.Amount} is not positive");
            }

            entry.Valid = true;
        }
    }

    private sealed class TotalsHandler : IEventHandler<Order>
    {
        public long Applied { get; private set; }

        public long Total { get; private set; }

        public void OnEvent(ref Order entry, long sequence, bool endOfBatch)
        {
            if (entry.Valid)
            {
                Applied++;
                Total += entry.Amount;
            }
        }
    }
}
