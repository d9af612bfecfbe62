namespace Pipeline.Core.Tests;

/// <summary>Publishes test events the plain way: one claim, the payload is the sequence, one publish.</summary>
internal static class TestPublisher
{
    /// <summary>Publishes <paramref name="count"/> events; returns the last sequence.</summary>
    public static long Publish(RingBuffer<TestEvent> ring, long count)
    {
        long sequence = ring.Cursor;
        for (long i = 0; i < count; i++)
        {
            sequence = ring.Next();
            ring[sequence].Reset(sequence);
            ring.Publish(sequence);
        }

        return sequence;
    }
}
