using System;
using System.Threading;

namespace Pipeline.LoadGen;

/// <summary>
/// When the publishers sent each command and saw its ACK, by the command's journal sequence: the subscribers look an
/// event's command up here to time its delivery (durable -> received, sent -> received).
/// </summary>
/// <remarks>
/// Chunks of <see cref="ChunkLength"/> sequences are allocated when the first ACK of their range arrives, never per
/// command; a lookup allocates nothing. Sequences at or above the capacity are not recorded (a lookup finds nothing).
/// </remarks>
// Design: writers are the publishers' receive loops (one per connection, several at once, each sequence written by
// exactly one of them); readers are the subscribers. A chunk is published with Interlocked.CompareExchange (the
// loser takes the winner's chunk), so every writer of a range writes into the same array. Record writes the send
// time, then the ACK time with Volatile.Write (release); TryGet reads the ACK time with Volatile.Read (acquire), then
// the send time: a reader that sees an ACK time sees its send time. A reader that comes first sees 0 ("no ACK yet").
internal sealed class SequenceTimes
{
    /// <summary>Sequences per chunk (a chunk is two arrays of longs: 16 MiB for both).</summary>
    public const int ChunkLength = 1 << ChunkBits;

    private const int ChunkBits = 20;
    private const long Unrecorded = 0;

    private readonly long[]?[] _acked;
    private readonly long[]?[] _sent;

    /// <param name="capacity">Sequences 0 to capacity - 1 are recorded.</param>
    public SequenceTimes(long capacity = 1L << 31)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        int chunks = checked((int)((capacity + ChunkLength - 1) >> ChunkBits));
        _acked = new long[]?[chunks];
        _sent = new long[]?[chunks];
        Capacity = (long)chunks << ChunkBits;
    }

    /// <summary>Sequences 0 to Capacity - 1 can be recorded.</summary>
    public long Capacity { get; }

    /// <summary>Records a command's send and ACK timestamps (both non-zero); returns false when the sequence is out of range.</summary>
    public bool Record(long sequence, long sentTimestamp, long ackTimestamp)
    {
        if ((ulong)sequence >= (ulong)Capacity)
        {
            return false;
        }

        int chunk = (int)(sequence >> ChunkBits);
        int index = (int)(sequence & (ChunkLength - 1));
        long[] sent = _sent[chunk] ?? ChunkSlow(_sent, chunk);
        long[] acked = _acked[chunk] ?? ChunkSlow(_acked, chunk);
        sent[index] = sentTimestamp;
        Volatile.Write(ref acked[index], ackTimestamp == Unrecorded ? 1 : ackTimestamp);
        return true;
    }

    /// <summary>The command's timestamps, or false when its ACK is not recorded (yet, or at all).</summary>
    public bool TryGet(long sequence, out long sentTimestamp, out long ackTimestamp)
    {
        sentTimestamp = 0;
        ackTimestamp = 0;
        if ((ulong)sequence >= (ulong)Capacity)
        {
            return false;
        }

        int chunk = (int)(sequence >> ChunkBits);
        // A stale null only means "not recorded yet": the chunk is published before any ACK time in it.
        long[]? acked = Volatile.Read(ref _acked[chunk]);
        long[]? sent = Volatile.Read(ref _sent[chunk]);
        if (acked is null || sent is null)
        {
            return false;
        }

        int index = (int)(sequence & (ChunkLength - 1));
        ackTimestamp = Volatile.Read(ref acked[index]);
        if (ackTimestamp == Unrecorded)
        {
            return false;
        }

        sentTimestamp = sent[index];
        return true;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static long[] ChunkSlow(long[]?[] chunks, int chunk)
    {
        long[] fresh = new long[ChunkLength];
        return Interlocked.CompareExchange(ref chunks[chunk], fresh, null) ?? fresh;
    }
}
