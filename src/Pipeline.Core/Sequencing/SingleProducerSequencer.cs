using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using Pipeline.Core.Internal;
using Pipeline.Core.Waiting;

namespace Pipeline.Core.Sequencing;

/// <summary>The sequencer for exactly one producer thread: claims are plain reads and writes.</summary>
/// <remarks>
/// All claim and publish methods must be called from one thread at a time (the single writer). Claims do not
/// allocate; they wait (spin, yield, then sleep) only when the ring is full.
/// </remarks>
// Design: _fields.Next (highest claimed) and _fields.CachedGate (last seen slowest consumer) are read and written
// only by the producer thread, so they need no fences; they sit on their own padded lines because consumers
// read this object's header and readonly fields. _cursor (highest published) is written only by the producer
// with release semantics, so a consumer that reads it sees every entry write that came before. The gating
// sequences are re-read only when the cached value says the claim would wrap (rule: cache the slowest consumer).
public sealed class SingleProducerSequencer : Sequencer
{
    private readonly Sequence _cursor = new();
    private ProducerFields _fields;

    /// <summary>Creates a single-producer sequencer of <paramref name="bufferSize"/> (a power of two) slots.</summary>
    public SingleProducerSequencer(int bufferSize, IWaitStrategy waitStrategy)
        : base(bufferSize, waitStrategy)
    {
        _fields.Next = Sequence.InitialValue;
        _fields.CachedGate = Sequence.InitialValue;
    }

    /// <inheritdoc />
    public override Sequence Cursor => _cursor;

    /// <inheritdoc />
    protected override long ClaimedSequence => _fields.Next;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override long Next(int n)
    {
        if ((uint)(n - 1) >= (uint)BufferSize)
        {
            ThrowHelper.ThrowClaimSizeOutOfRange(n, BufferSize);
        }

        long next = _fields.Next + n;
        long wrapPoint = next - BufferSize;
        if (wrapPoint > _fields.CachedGate)
        {
            WaitForCapacitySlow(wrapPoint, CancellationToken.None);
        }

        _fields.Next = next;
        return next;
    }

    /// <inheritdoc />
    public override long Next(int n, CancellationToken cancellationToken)
    {
        if ((uint)(n - 1) >= (uint)BufferSize)
        {
            ThrowHelper.ThrowClaimSizeOutOfRange(n, BufferSize);
        }

        long next = _fields.Next + n;
        long wrapPoint = next - BufferSize;
        if (wrapPoint > _fields.CachedGate)
        {
            WaitForCapacitySlow(wrapPoint, cancellationToken);
        }

        _fields.Next = next;
        return next;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WaitForCapacitySlow(long wrapPoint, CancellationToken cancellationToken)
    {
        // Full fence: our earlier cursor store must be visible before we read the consumers' sequences, or a
        // consumer parked on our cursor and the producer parked on its sequence could wait for each other.
        Interlocked.MemoryBarrier();
        var backoff = default(ProducerBackoff);
        long minimum;
        while (wrapPoint > (minimum = GetMinimumGatingSequence(_fields.Next)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (SignalsOnPublish)
            {
                WaitStrategy.SignalAllWhenBlocking();
            }

            backoff.Wait();
        }

        _fields.CachedGate = minimum;
    }

    /// <inheritdoc />
    public override bool TryNext(int n, out long sequence)
    {
        if ((uint)(n - 1) >= (uint)BufferSize)
        {
            ThrowHelper.ThrowClaimSizeOutOfRange(n, BufferSize);
        }

        long next = _fields.Next + n;
        long wrapPoint = next - BufferSize;
        if (wrapPoint > _fields.CachedGate)
        {
            // Full fence, as in WaitForCapacitySlow: the cursor store must be visible before we read the consumers.
            Interlocked.MemoryBarrier();
            long minimum = GetMinimumGatingSequence(_fields.Next);
            _fields.CachedGate = minimum;
            if (wrapPoint > minimum)
            {
                sequence = default;
                return false;
            }
        }

        _fields.Next = next;
        sequence = next;
        return true;
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override void Publish(long sequence)
    {
        _cursor.SetValue(sequence);
        if (SignalsOnPublish)
        {
            WaitStrategy.SignalAllWhenBlocking();
        }
    }

    /// <inheritdoc />
    public override void Publish(long low, long high) => Publish(high);

    /// <inheritdoc />
    public override bool IsAvailable(long sequence)
    {
        long cursor = _cursor.Value;
        return sequence <= cursor && sequence > cursor - BufferSize;
    }

    /// <inheritdoc />
    public override long GetHighestPublishedSequence(long lowerBound, long availableSequence) => availableSequence;

    [StructLayout(LayoutKind.Explicit, Size = (CacheLine.PaddingBytes * 2) + (2 * sizeof(long)))]
    private struct ProducerFields
    {
        [FieldOffset(CacheLine.PaddingBytes)]
        public long Next;

        [FieldOffset(CacheLine.PaddingBytes + sizeof(long))]
        public long CachedGate;
    }
}
