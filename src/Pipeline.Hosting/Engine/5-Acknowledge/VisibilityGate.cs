using System.Threading;
using Pipeline.EventStore;

namespace Pipeline.Hosting.Engine;

/// <summary>
/// What readers may see: an event once its command is durable (told by the ACK stage) and the event is in the
/// event log's file (told by the event store stage), which run on two threads in parallel after the application stage.
/// </summary>
/// <remarks>
/// Each stage reports, at the end of its batches, the last event position and the last command sequence it has
/// passed; the visible heads advance to the lower of the two reports. Thread-safe for one caller per side.
/// </remarks>
// Design: each side publishes its pair with a full fence (Interlocked.Exchange) before it reads the other side's,
// so of two reports that race, at least the later one sees both new pairs: the heads never stay behind what both
// sides have passed. VisibleHead.Advance only raises, so a report computed from an older pair is harmless.
internal sealed class VisibilityGate
{
    private readonly VisibleHead _positions;
    private readonly VisibleHead _sequences;
    private long _durablePosition;
    private long _durableSequence;
    private long _storedPosition;
    private long _storedSequence;

    /// <param name="positions">The last event position readers may see.</param>
    /// <param name="sequences">The last command sequence whose events readers may all see.</param>
    public VisibilityGate(VisibleHead positions, VisibleHead sequences)
    {
        _positions = positions;
        _sequences = sequences;
        _durablePosition = _storedPosition = positions.Position;
        _durableSequence = _storedSequence = sequences.Position;
    }

    /// <summary>The ACK stage: every command up to <paramref name="sequence"/> is durable, and so are their events up to <paramref name="position"/>.</summary>
    public void Durable(long position, long sequence)
    {
        Interlocked.Exchange(ref _durablePosition, position);
        Interlocked.Exchange(ref _durableSequence, sequence);
        Advance();
    }

    /// <summary>The event store stage: the events of every command up to <paramref name="sequence"/> are in the file, up to <paramref name="position"/>.</summary>
    public void Stored(long position, long sequence)
    {
        Interlocked.Exchange(ref _storedPosition, position);
        Interlocked.Exchange(ref _storedSequence, sequence);
        Advance();
    }

    private void Advance()
    {
        // Positions first: a reader that waits for a command sequence then reads positions up to the visible head.
        _positions.Advance(System.Math.Min(Volatile.Read(ref _durablePosition), Volatile.Read(ref _storedPosition)));
        _sequences.Advance(System.Math.Min(Volatile.Read(ref _durableSequence), Volatile.Read(ref _storedSequence)));
    }
}
