using System;
using System.Runtime.InteropServices;
using System.Threading;
using Pipeline.Core.Sequencing;

namespace Pipeline.Benchmarks;

/// <summary>
/// The smallest correct single-producer/single-consumer ring: no sequencer, barrier, wait-strategy or processor
/// abstraction, only the two padded counters and the same spin-then-yield back-off as YieldingWaitStrategy.
/// A reference point: the gap between it and the engine is what the engine's layers cost.
/// </summary>
// Design: _published is written only by the producer (release, after the entry write) and read by the consumer
// (acquire); _consumed is written only by the consumer (release, after it read the entries) and read by the
// producer (acquire) only when its cached copy says the claim would wrap. _producer (claimed, cached consumed)
// is producer-only and padded: the consumer reads this object's other fields on every poll, and an unpadded
// producer field written per claim would share their cache line (the first version of this reference had
// exactly that false sharing; see docs/perf.md). Both shared counters are Pipeline.Core Sequence objects, so
// they sit on their own cache lines.
internal sealed class HandRolledSpsc : IDisposable
{
    private const int SpinTries = 100;
    private readonly ValueEvent[] _entries;
    private readonly int _mask;
    private readonly Sequence _published = new();
    private readonly Sequence _consumed = new();
    private readonly CompletionSignal _signal;
    private readonly Thread _thread;
    private ProducerFields _producer;
    private volatile bool _stop;

    public HandRolledSpsc(int bufferSize, CompletionSignal signal)
    {
        _entries = new ValueEvent[bufferSize];
        _mask = bufferSize - 1;
        _signal = signal;
        _producer.Claimed = Sequence.InitialValue;
        _producer.CachedConsumed = Sequence.InitialValue;
        _thread = new Thread(Consume) { Name = "hand-rolled-spsc", IsBackground = true };
        _thread.Start();
    }

    public long Cursor => _published.Value;

    public long Next()
    {
        long next = _producer.Claimed + 1;
        if (next - _entries.Length > _producer.CachedConsumed)
        {
            WaitForCapacitySlow(next - _entries.Length);
        }

        _producer.Claimed = next;
        return next;
    }

    public ref ValueEvent this[long sequence] => ref _entries[(int)sequence & _mask];

    public void Publish(long sequence) => _published.SetValue(sequence);

    private void WaitForCapacitySlow(long wrapPoint)
    {
        int attempt = 0;
        long consumed;
        while (wrapPoint > (consumed = _consumed.Value))
        {
            BackOff(attempt++);
        }

        _producer.CachedConsumed = consumed;
    }

    private void Consume()
    {
        long next = 0;
        long sum = 0;
        int attempt = 0;
        while (!_stop)
        {
            long available = _published.Value;
            if (available < next)
            {
                BackOff(attempt++);
                continue;
            }

            attempt = 0;
            long target = _signal.Target;
            for (; next <= available; next++)
            {
                sum += _entries[(int)next & _mask].Value;
                if (next == target)
                {
                    _signal.Set();
                }
            }

            _consumed.SetValue(available);
        }

        GC.KeepAlive(sum);
    }

    private static void BackOff(int attempt)
    {
        if (attempt < SpinTries)
        {
            Thread.SpinWait(1);
        }
        else
        {
            Thread.Yield();
        }
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }

    [StructLayout(LayoutKind.Explicit, Size = 256 + (2 * sizeof(long)))]
    private struct ProducerFields
    {
        [FieldOffset(128)]
        public long Claimed;

        [FieldOffset(128 + sizeof(long))]
        public long CachedConsumed;
    }
}
