using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Pipeline.Core;
using Pipeline.Core.Processing;
using Pipeline.Core.Sequencing;
using Pipeline.Core.Waiting;

namespace Pipeline.RingShapes;

// The ring's shapes of issue 13 against whichever Pipeline.Core this program is built with, each for a fixed time in
// one process, printed as "label<TAB>shape<TAB>M events/s". An A/B runs two builds' processes alternately
// (perf/ab-ring.sh), so that the machine's drift hits both; a Channels baseline runs in every process.
// Usage: Pipeline.RingShapes LABEL [SECONDS] [shape,shape,...]

internal static class Program
{
    private struct E
    {
        public long Value;
        public long B;
        public long C;
    }

    private sealed class Counter
    {
        public long Count;
    }

    private readonly struct CountHandler(Counter c) : IEventHandler<E>
    {
        public void OnEvent(ref E e, long sequence, bool endOfBatch) => c.Count = sequence + 1;
    }

    private readonly struct PassHandler : IEventHandler<E>
    {
        public void OnEvent(ref E e, long sequence, bool endOfBatch) => e.B = e.Value + 1;
    }

    private readonly struct PassFull : IEventHandler<E>
    {
        public void OnEvent(ref E e, long sequence, bool endOfBatch) => e.B = e.Value + 1;
        public void OnBatchStart(long batchSize, long availableCount) { }
    }

    private readonly struct CountFull(Counter c) : IEventHandler<E>
    {
        public void OnEvent(ref E e, long sequence, bool endOfBatch) => c.Count = sequence + 1;
        public void OnBatchStart(long batchSize, long availableCount) { }
    }

    private readonly struct BranchC : IEventHandler<E>
    {
        public void OnEvent(ref E e, long sequence, bool endOfBatch) => e.C = e.Value + 2;
    }

    private readonly struct JoinHandler(Counter c) : IEventHandler<E>
    {
        public void OnEvent(ref E e, long sequence, bool endOfBatch) => c.Count = sequence + 1 + (e.B + e.C == 0 ? 1 : 0);
    }

    private const int Size = 65536;
    private static volatile bool s_stop;

    private static void Main(string[] args)
    {
        string label = args[0];
        double seconds = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1.5;
        string[] shapes = ["1p1c_y_pub1", "1p1c_y_batch10", "1p1c_blocking", "pipeline3_y", "diamond_y", "2p1c_y", "chan_1p1c", "chan_2p1c"];
        if (args.Length > 2)
        {
            shapes = args[2].Split(',');
        }

        foreach (string shape in shapes)
        {
            double rate = Run(shape, seconds);
            Console.WriteLine($"{label}\t{shape}\t{rate / 1e6:F2}");
        }
    }

    private static double Run(string shape, double seconds)
    {
        s_stop = false;
        var counter = new Counter();
        if (shape.StartsWith("chan", StringComparison.Ordinal))
        {
            return RunChannel(shape == "chan_2p1c" ? 2 : 1, counter, seconds);
        }

        IWaitStrategy wait = shape == "1p1c_blocking" ? new BlockingWaitStrategy() : new YieldingWaitStrategy();
        ProducerType type = shape == "2p1c_y" ? ProducerType.Multi : ProducerType.Single;
        var builder = new PipelineBuilder<E>(Size, null, type, wait);
        switch (shape)
        {
            case "pipeline3_full":
                builder.HandleWith(new PassFull()).Then(new PassFull()).Then(new CountFull(counter));
                break;
            case "pipeline3_y":
                builder.HandleWith(new PassHandler()).Then(new PassHandler()).Then(new CountHandler(counter));
                break;
            case "diamond_y":
                Stage<E> head = builder.HandleWith(new PassHandler());
                Stage<E> b = head.Then(new PassHandler());
                Stage<E> c = head.Then(new BranchC());
                builder.After(b, c).Then(new JoinHandler(counter));
                break;
            default:
                builder.HandleWith(new CountHandler(counter));
                break;
        }

        EventPipeline<E> pipeline = builder.Build();
        pipeline.Start();
        RingBuffer<E> ring = pipeline.RingBuffer;
        int batch = shape == "1p1c_y_batch10" ? 10 : 1;
        int producers = shape == "2p1c_y" ? 2 : 1;
        var threads = new Thread[producers];
        for (int p = 0; p < producers; p++)
        {
            threads[p] = new Thread(() => Produce(ring, batch)) { IsBackground = true };
            threads[p].Start();
        }

        double rate = Measure(counter, seconds);
        s_stop = true;
        foreach (Thread t in threads)
        {
            t.Join();
        }

        pipeline.Halt(TimeSpan.FromSeconds(5));
        return rate;
    }

    private static double Measure(Counter counter, double seconds)
    {
        Thread.Sleep(300);
        long c0 = Volatile.Read(ref counter.Count);
        long t0 = Stopwatch.GetTimestamp();
        Thread.Sleep(TimeSpan.FromSeconds(seconds));
        long c1 = Volatile.Read(ref counter.Count);
        double elapsed = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        return (c1 - c0) / elapsed;
    }

    private static void Produce(RingBuffer<E> ring, int batch)
    {
        while (!s_stop)
        {
            for (int i = 0; i < 1024; i++)
            {
                if (batch == 1)
                {
                    long s = ring.Next();
                    ring[s].Value = s;
                    ring.Publish(s);
                }
                else
                {
                    long hi = ring.Next(batch);
                    long lo = hi - batch + 1;
                    for (long s = lo; s <= hi; s++)
                    {
                        ring[s].Value = s;
                    }

                    ring.Publish(lo, hi);
                }
            }
        }
    }

    private static double RunChannel(int producers, Counter counter, double seconds)
    {
        var channel = Channel.CreateBounded<long>(new BoundedChannelOptions(Size) { SingleReader = true, SingleWriter = producers == 1, FullMode = BoundedChannelFullMode.Wait, AllowSynchronousContinuations = false });
        var consumer = new Thread(() =>
        {
            ChannelReader<long> reader = channel.Reader;
            long n = 0;
            while (true)
            {
                while (reader.TryRead(out _))
                {
                    n++;
                    counter.Count = n;
                }

                if (!reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
                {
                    return;
                }
            }
        }) { IsBackground = true };
        consumer.Start();
        var threads = new Thread[producers];
        for (int p = 0; p < producers; p++)
        {
            threads[p] = new Thread(() =>
            {
                ChannelWriter<long> writer = channel.Writer;
                long item = 0;
                while (!s_stop)
                {
                    for (int i = 0; i < 1024; i++)
                    {
                        while (!writer.TryWrite(item))
                        {
                            if (!writer.WaitToWriteAsync().AsTask().GetAwaiter().GetResult())
                            {
                                return;
                            }

                        }

                        item++;
                    }
                }
            }) { IsBackground = true };
            threads[p].Start();
        }

        double rate = Measure(counter, seconds);
        s_stop = true;
        foreach (Thread t in threads)
        {
            t.Join();
        }

        channel.Writer.TryComplete();
        consumer.Join();
        return rate;
    }
}
