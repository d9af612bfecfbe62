using System;
using System.Runtime.CompilerServices;
using System.Threading;
using Pipeline.Core.Internal;
using Pipeline.Core.Waiting;

namespace Pipeline.Core.Sequencing;

/// <summary>The sequencer for several producer threads: claims are atomic, publication is tracked per slot.</summary>
/// <remarks>
/// Any thread may claim and publish. Each slot carries the "round" (sequence / buffer size) in which it was last
/// published, so a consumer sees a contiguous run of published slots even when producers finish out of order.
/// </remarks>
// Design: _cursor is the highest claimed sequence, advanced by many producers with Interlocked.Add. _gatingCache is
// a shared cache of the slowest consumer, written by whichever producer refreshed it (a stale value only makes a
// producer refresh again). _available[i] is written by the one producer that owns the slot's claim, with release
// semantics after its entry writes, and read by consumers with acquire semantics.
public sealed class MultiProducerSequencer : Sequencer
{
    private readonly Sequence _cursor = new();
    private readonly Sequence _gatingCache = new();
    private readonly int[] _available;
    private readonly int _indexMask;
    private readonly int _indexShift;

    /// <summary>Creates a multi-producer sequencer of <paramref name="bufferSize"/> (a power of two) slots.</summary>
    public MultiProducerSequencer(int bufferSize, IWaitStrategy waitStrategy)
        : base(bufferSize, waitStrategy)
    {
        _available = new int[bufferSize];
        Array.Fill(_available, -1);
        _indexMask = bufferSize - 1;
        _indexShift = PowerOfTwo.Log2(bufferSize);
    }

    /// <inheritdoc />
    public override Sequence Cursor => _cursor;

    /// <inheritdoc />
    protected override long ClaimedSequence => _cursor.Value;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override long Next(int n) => Next(n, CancellationToken.None);

    /// <inheritdoc />
    public override long Next(int n, CancellationToken cancellationToken)
    {
        if ((uint)(n - 1) >= (uint)BufferSize)
        {
            ThrowHelper.ThrowClaimSizeOutOfRange(n, BufferSize);
        }

        long next = _cursor.AddAndGet(n);
        long current = next - n;
        long wrapPoint = next - BufferSize;
        long cachedGate = _gatingCache.Value;
        if (wrapPoint > cachedGate || cachedGate > current)
        {
            WaitForCapacitySlow(wrapPoint, current, cancellationToken);
        }

        return next;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WaitForCapacitySlow(long wrapPoint, long current, CancellationToken cancellationToken)
    {
        var backoff = default(ProducerBackoff);
        long minimum;
        while (wrapPoint > (minimum = GetMinimumGatingSequence(current)))
        {
            if (cancellationToken.IsCancellationRequested)
            {
                // The slots are already claimed; other producers' later claims depend on them being published,
                // so cancelling here would wedge the ring. Only a halted pipeline cancels a producer.
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (SignalsOnPublish)
            {
                WaitStrategy.SignalAllWhenBlocking();
            }

            backoff.Wait();
        }

        _gatingCache.SetValue(minimum);
    }

    /// <inheritdoc />
    public override bool TryNext(int n, out long sequence)
    {
        if ((uint)(n - 1) >= (uint)BufferSize)
        {
            ThrowHelper.ThrowClaimSizeOutOfRange(n, BufferSize);
        }

        long current;
        long next;
        do
        {
            current = _cursor.Value;
            next = current + n;
            long wrapPoint = next - BufferSize;
            long cachedGate = _gatingCache.Value;
            if (wrapPoint > cachedGate || cachedGate > current)
            {
                long minimum = GetMinimumGatingSequence(current);
                _gatingCache.SetValue(minimum);
                if (wrapPoint > minimum)
                {
                    sequence = default;
                    return false;
                }
            }
        }
        while (!_cursor.CompareAndSet(current, next));

        sequence = next;
        return true;
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override void Publish(long sequence)
    {
        SetAvailable(sequence);
        if (SignalsOnPublish)
        {
            WaitStrategy.SignalAllWhenBlocking();
        }
    }

    /// <inheritdoc />
    public override void Publish(long low, long high)
    {
        for (long s = low; s <= high; s++)
        {
            SetAvailable(s);
        }

        if (SignalsOnPublish)
        {
            WaitStrategy.SignalAllWhenBlocking();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SetAvailable(long sequence) =>
        Volatile.Write(ref _available[(int)sequence & _indexMask], (int)(sequence >> _indexShift));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override bool IsAvailable(long sequence) =>
        Volatile.Read(ref _available[(int)sequence & _indexMask]) == (int)(sequence >> _indexShift);

    /// <inheritdoc />
    public override long GetHighestPublishedSequence(long lowerBound, long availableSequence)
    {
        for (long s = lowerBound; s <= availableSequence; s++)
        {
            if (!IsAvailable(s))
            {
                return s - 1;
            }
        }

        return availableSequence;
    }
}
