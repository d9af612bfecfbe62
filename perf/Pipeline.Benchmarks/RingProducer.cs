using Pipeline.Core;

namespace Pipeline.Benchmarks;

/// <summary>The producer loops of the ring benchmarks: claim, write, publish, one at a time or a range at a time.</summary>
internal static class RingProducer
{
    private const long Sequence0 = -1;

    /// <summary>Publishes <paramref name="count"/> events one at a time; returns the last sequence.</summary>
    public static long PublishOneAtATime(RingBuffer<ValueEvent> ring, int count)
    {
        long sequence = Sequence0;
        for (int i = 0; i < count; i++)
        {
            sequence = ring.Next();
            ring[sequence].Value = sequence;
            ring.Publish(sequence);
        }

        return sequence;
    }

    /// <summary>Publishes <paramref name="count"/> events (a multiple of <paramref name="batch"/>) claiming and publishing ranges.</summary>
    public static long PublishInBatches(RingBuffer<ValueEvent> ring, int count, int batch)
    {
        long high = Sequence0;
        for (int i = 0; i < count; i += batch)
        {
            high = ring.Next(batch);
            long low = high - batch + 1;
            for (long sequence = low; sequence <= high; sequence++)
            {
                ring[sequence].Value = sequence;
            }

            ring.Publish(low, high);
        }

        return high;
    }

    /// <summary>The diamond's producer: one at a time.</summary>
    public static long PublishOneAtATime(RingBuffer<DiamondEvent> ring, int count)
    {
        long sequence = Sequence0;
        for (int i = 0; i < count; i++)
        {
            sequence = ring.Next();
            ring[sequence].Value = sequence;
            ring.Publish(sequence);
        }

        return sequence;
    }
}
