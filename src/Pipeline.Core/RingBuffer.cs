using System;
using System.Runtime.CompilerServices;
using System.Threading;
using Pipeline.Core.Internal;
using Pipeline.Core.Sequencing;
using Pipeline.Core.Waiting;

namespace Pipeline.Core;

/// <summary>
/// A pre-allocated ring of entries reused in place, the event store between producers and handlers. Works with
/// reference entries (pre-allocated by a factory, mutated in place) and value entries (accessed by <c>ref</c>).
/// </summary>
/// <remarks>
/// Producers claim a sequence, write the entry through <see cref="this[long]"/>, then publish it; consumers
/// read it through a <see cref="SequenceBarrier"/>. Nothing here allocates after construction.
/// </remarks>
// Design: the entries array is written only by the producer that claimed a slot, between claim and publish, and
// read by consumers after they observed the publish (release/acquire through the sequencer); the sequencer's
// gating keeps the producer from reusing a slot before every gating consumer has passed it. The array is padded
// at both ends so that the first and last entries do not share a cache line with other objects.
public sealed class RingBuffer<T>
{
    private readonly T[] _entries;
    private readonly int _indexMask;
    private readonly int _padding;
    private readonly Sequencer _sequencer;

    // Exactly one of these is set: claims and publishes call the sealed type directly (inlinable), not through the
    // abstract Sequencer.
    private readonly SingleProducerSequencer? _single;
    private readonly MultiProducerSequencer? _multi;

    /// <summary>Creates a ring over <paramref name="sequencer"/>; <paramref name="factory"/> fills each slot once.</summary>
    public RingBuffer(Sequencer sequencer, Func<T>? factory = null)
    {
        ArgumentNullException.ThrowIfNull(sequencer);
        if (factory is null && !typeof(T).IsValueType)
        {
            throw new ArgumentNullException(nameof(factory), "A ring of reference entries needs a factory to pre-allocate them.");
        }

        _sequencer = sequencer;
        _single = sequencer as SingleProducerSequencer;
        _multi = sequencer as MultiProducerSequencer;
        _indexMask = sequencer.BufferSize - 1;
        int entrySize = Math.Max(1, Unsafe.SizeOf<T>());
        _padding = (CacheLine.PaddingBytes + entrySize - 1) / entrySize;
        _entries = new T[sequencer.BufferSize + (2 * _padding)];
        if (factory is not null)
        {
            for (int i = 0; i < sequencer.BufferSize; i++)
            {
                _entries[_padding + i] = factory();
            }
        }
    }

    /// <summary>Creates a ring with one producer thread (the default; the journaling producer is one writer).</summary>
    public static RingBuffer<T> CreateSingleProducer(int bufferSize, IWaitStrategy waitStrategy, Func<T>? factory = null) =>
        new(new SingleProducerSequencer(bufferSize, waitStrategy), factory);

    /// <summary>Creates a ring that any number of producer threads may publish into.</summary>
    public static RingBuffer<T> CreateMultiProducer(int bufferSize, IWaitStrategy waitStrategy, Func<T>? factory = null) =>
        new(new MultiProducerSequencer(bufferSize, waitStrategy), factory);

    /// <summary>The entry of <paramref name="sequence"/>, by reference.</summary>
    public ref T this[long sequence]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref _entries[_padding + ((int)sequence & _indexMask)];
    }

    /// <summary>How many entries the ring holds (a power of two).</summary>
    public int BufferSize => _sequencer.BufferSize;

    /// <summary>The sequencer that hands out the slots.</summary>
    public Sequencer Sequencer => _sequencer;

    /// <summary>The producer cursor (see <see cref="Sequencer.Cursor"/>).</summary>
    public long Cursor => _sequencer.Cursor.Value;

    /// <summary>Claims the next slot, waiting while the ring is full.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Next() => _single is not null ? _single.Next(1) : _multi!.Next(1);

    /// <summary>Claims <paramref name="n"/> slots and returns the highest; the first is that minus n plus 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Next(int n) => _single is not null ? _single.Next(n) : _multi!.Next(n);

    /// <summary>As <see cref="Next(int)"/>, giving up when <paramref name="cancellationToken"/> is cancelled.</summary>
    public long Next(int n, CancellationToken cancellationToken) => _sequencer.Next(n, cancellationToken);

    /// <summary>Claims the next slot if there is room; never blocks.</summary>
    public bool TryNext(out long sequence) => _sequencer.TryNext(1, out sequence);

    /// <summary>Claims <paramref name="n"/> slots if there is room for all; never blocks.</summary>
    public bool TryNext(int n, out long sequence) => _sequencer.TryNext(n, out sequence);

    /// <summary>Publishes one claimed slot.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Publish(long sequence)
    {
        if (_single is not null)
        {
            _single.Publish(sequence);
        }
        else
        {
            _multi!.Publish(sequence);
        }
    }

    /// <summary>Publishes claimed slots <paramref name="low"/> to <paramref name="high"/> inclusive.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Publish(long low, long high)
    {
        if (_single is not null)
        {
            _single.Publish(high);
        }
        else
        {
            _multi!.Publish(low, high);
        }
    }

    /// <summary>How many slots can be claimed right now without waiting.</summary>
    public long RemainingCapacity() => _sequencer.RemainingCapacity();

    /// <summary>Claims one slot and returns a scope whose disposal publishes it (<c>using var s = ring.PublishEvent();</c>).</summary>
    public PublishScope PublishEvent() => new(this, Next());

    /// <summary>Claims <paramref name="n"/> slots and returns a scope whose disposal publishes them all.</summary>
    public BatchPublishScope PublishEvents(int n)
    {
        long high = Next(n);
        return new BatchPublishScope(this, high - n + 1, high);
    }

    /// <summary>Creates a barrier for a consumer of this ring that follows <paramref name="dependents"/>.</summary>
    public SequenceBarrier NewBarrier(params Sequence[] dependents) => _sequencer.NewBarrier(dependents);

    /// <summary>Adds consumer sequences that producers must not overtake.</summary>
    public void AddGatingSequences(params Sequence[] sequences) => _sequencer.AddGatingSequences(sequences);

    /// <summary>Removes a gating sequence.</summary>
    public bool RemoveGatingSequence(Sequence sequence) => _sequencer.RemoveGatingSequence(sequence);

    /// <summary>One claimed slot; disposing publishes it.</summary>
    public readonly ref struct PublishScope
    {
        private readonly RingBuffer<T> _ring;

        internal PublishScope(RingBuffer<T> ring, long sequence)
        {
            _ring = ring;
            Sequence = sequence;
        }

        /// <summary>The claimed sequence.</summary>
        public long Sequence { get; }

        /// <summary>The claimed entry.</summary>
        public ref T Event() => ref _ring[Sequence];

        /// <summary>Publishes the slot.</summary>
        public void Dispose() => _ring.Publish(Sequence);
    }

    /// <summary>A claimed range of slots; disposing publishes them.</summary>
    public readonly ref struct BatchPublishScope
    {
        private readonly RingBuffer<T> _ring;

        internal BatchPublishScope(RingBuffer<T> ring, long low, long high)
        {
            _ring = ring;
            StartSequence = low;
            EndSequence = high;
        }

        /// <summary>The first claimed sequence.</summary>
        public long StartSequence { get; }

        /// <summary>The last claimed sequence.</summary>
        public long EndSequence { get; }

        /// <summary>The entry of <paramref name="sequence"/>, which must lie in the claimed range.</summary>
        public ref T Event(long sequence)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(sequence, StartSequence);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(sequence, EndSequence);
            return ref _ring[sequence];
        }

        /// <summary>Publishes the range.</summary>
        public void Dispose() => _ring.Publish(StartSequence, EndSequence);
    }
}
