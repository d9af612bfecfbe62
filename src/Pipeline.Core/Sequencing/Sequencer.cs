using System;
using System.Threading;
using Pipeline.Core.Internal;
using Pipeline.Core.Waiting;

namespace Pipeline.Core.Sequencing;

/// <summary>Hands out ring slots to producers and tracks what is published and what consumers still need.</summary>
/// <remarks>
/// Claim and publish methods are for producer threads (one thread for <see cref="SingleProducerSequencer"/>);
/// gating changes are for set-up and tear-down. A claim never overtakes the slowest gating sequence by more
/// than the buffer size, so a producer never overwrites an entry that a consumer still needs.
/// </remarks>
// Design: _gatingSequences is replaced (copy on write, Interlocked) by set-up code and read by producers; a
// producer that reads the old array only waits on a sequence set that is about to change, never skips one.
public abstract class Sequencer
{
    private Sequence[] _gatingSequences = [];

    // The hierarchy is closed (the two sealed sequencers) so that hot paths can switch on the concrete type and call
    // it directly instead of through these abstract members.
    private protected Sequencer(int bufferSize, IWaitStrategy waitStrategy)
    {
        ArgumentNullException.ThrowIfNull(waitStrategy);
        if (!PowerOfTwo.IsPowerOfTwo(bufferSize))
        {
            throw new ArgumentOutOfRangeException(nameof(bufferSize), bufferSize, "bufferSize must be a positive power of two.");
        }

        BufferSize = bufferSize;
        WaitStrategy = waitStrategy;
        SignalsOnPublish = waitStrategy.IsBlockingStrategy;
    }

    /// <summary>The number of slots in the ring.</summary>
    public int BufferSize { get; }

    /// <summary>The strategy consumers of this ring wait with.</summary>
    public IWaitStrategy WaitStrategy { get; }

    /// <summary>
    /// The producer cursor: the highest published sequence for a single producer, the highest claimed one for
    /// several producers (consumers then narrow it with <see cref="GetHighestPublishedSequence"/>).
    /// </summary>
    public abstract Sequence Cursor { get; }

    internal bool SignalsOnPublish { get; }

    internal Sequence[] GatingSequences => Volatile.Read(ref _gatingSequences);

    /// <summary>Claims the next slot, waiting for capacity if the ring is full.</summary>
    public long Next() => Next(1);

    /// <summary>Claims <paramref name="n"/> consecutive slots and returns the highest; waits for capacity.</summary>
    public abstract long Next(int n);

    /// <summary>As <see cref="Next(int)"/>, but gives up with <see cref="OperationCanceledException"/> when cancelled.</summary>
    public abstract long Next(int n, CancellationToken cancellationToken);

    /// <summary>Claims the next slot if there is capacity; never blocks.</summary>
    public bool TryNext(out long sequence) => TryNext(1, out sequence);

    /// <summary>Claims <paramref name="n"/> slots if there is capacity for all of them; never blocks.</summary>
    public abstract bool TryNext(int n, out long sequence);

    /// <summary>Makes <paramref name="sequence"/> visible to consumers.</summary>
    public abstract void Publish(long sequence);

    /// <summary>Makes <paramref name="low"/> to <paramref name="high"/> (inclusive) visible to consumers.</summary>
    public abstract void Publish(long low, long high);

    /// <summary>Whether <paramref name="sequence"/> is published and not yet overwritable.</summary>
    public abstract bool IsAvailable(long sequence);

    /// <summary>
    /// The highest sequence from <paramref name="lowerBound"/> up to <paramref name="availableSequence"/> below
    /// which every sequence is published.
    /// </summary>
    public abstract long GetHighestPublishedSequence(long lowerBound, long availableSequence);

    /// <summary>How many slots can be claimed right now without waiting.</summary>
    public long RemainingCapacity()
    {
        long produced = ClaimedSequence;
        long consumed = Sequence.GetMinimum(GatingSequences, produced);
        return BufferSize - (produced - consumed);
    }

    /// <summary>The highest claimed sequence.</summary>
    protected abstract long ClaimedSequence { get; }

    /// <summary>The lowest of the gating sequences, or <paramref name="ifNone"/> if there are none.</summary>
    internal long GetMinimumGatingSequence(long ifNone) => Sequence.GetMinimum(GatingSequences, ifNone);

    /// <summary>Adds consumer sequences that the producer must not overtake; they start at the cursor.</summary>
    public void AddGatingSequences(params Sequence[] sequences)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        Sequence[] current;
        Sequence[] updated;
        do
        {
            current = Volatile.Read(ref _gatingSequences);
            updated = new Sequence[current.Length + sequences.Length];
            Array.Copy(current, updated, current.Length);
            long cursor = ClaimedSequence;
            for (int i = 0; i < sequences.Length; i++)
            {
                ArgumentNullException.ThrowIfNull(sequences[i]);
                if (sequences[i].Value < cursor - BufferSize)
                {
                    sequences[i].SetValue(cursor);
                }

                updated[current.Length + i] = sequences[i];
            }
        }
        while (Interlocked.CompareExchange(ref _gatingSequences, updated, current) != current);
    }

    /// <summary>Removes a gating sequence; returns whether it was present.</summary>
    public bool RemoveGatingSequence(Sequence sequence)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        Sequence[] current;
        Sequence[] updated;
        do
        {
            current = Volatile.Read(ref _gatingSequences);
            int index = Array.IndexOf(current, sequence);
            if (index < 0)
            {
                return false;
            }

            updated = new Sequence[current.Length - 1];
            Array.Copy(current, 0, updated, 0, index);
            Array.Copy(current, index + 1, updated, index, current.Length - index - 1);
        }
        while (Interlocked.CompareExchange(ref _gatingSequences, updated, current) != current);
        return true;
    }

    /// <summary>Creates a barrier for a consumer that follows the cursor and <paramref name="dependents"/>.</summary>
    public SequenceBarrier NewBarrier(params Sequence[] dependents) => new(this, dependents);

    /// <summary>Creates the sequencer for <paramref name="producerType"/>.</summary>
    public static Sequencer Create(ProducerType producerType, int bufferSize, IWaitStrategy waitStrategy) => producerType switch
    {
        ProducerType.Single => new SingleProducerSequencer(bufferSize, waitStrategy),
        ProducerType.Multi => new MultiProducerSequencer(bufferSize, waitStrategy),
        _ => throw new ArgumentOutOfRangeException(nameof(producerType), producerType, "producerType must be Single or Multi."),
    };
}
