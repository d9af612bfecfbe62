using System.Threading;

namespace Pipeline.Core.Tests;

/// <summary>Publishes test events the plain way: one claim, the payload is the sequence, one publish.</summary>
internal static class TestPublisher
{
    /// <summary>
    /// Publishes <paramref name="count"/> events; returns the last sequence. Gives up with an
    /// <see cref="System.OperationCanceledException"/> if the consumers stop making room for
    /// <see cref="TestTimeouts.Stress"/>, so that a stalled pipeline fails the test instead of hanging it.
    /// </summary>
    public static long Publish(RingBuffer<TestEvent> ring, long count)
    {
        using var deadline = new CancellationTokenSource(TestTimeouts.Stress);
        long sequence = ring.Cursor;
        for (long i = 0; i < count; i++)
        {
            sequence = ring.Next(1, deadline.Token);
            ring[sequence].Reset(sequence);
            ring.Publish(sequence);
        }

        return sequence;
    }
}
