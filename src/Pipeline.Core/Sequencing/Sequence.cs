using System.Runtime.InteropServices;
using System.Threading;
using Pipeline.Core.Internal;

namespace Pipeline.Core.Sequencing;

/// <summary>A padded sequence counter shared between threads: a producer cursor or a consumer's progress.</summary>
/// <remarks>
/// <see cref="Value"/> is an acquire read and <see cref="SetValue"/> a release write: an entry written before
/// <see cref="SetValue"/> is visible to a thread that reads the new value. <see cref="SetValueVolatile"/> adds a
/// full fence (store-load ordering). Never allocates or blocks.
/// </remarks>
// Design: one thread writes _value (its owner: a producer or one processor) except for the multi-producer cursor,
// which many producers advance with Interlocked. Readers on other threads use acquire reads and may observe a
// stale value; every reader treats a stale value as "not yet", never as "done". The value sits alone on its own
// pair of cache lines so that writes to neighbouring objects never invalidate it.
[StructLayout(LayoutKind.Explicit, Size = (CacheLine.PaddingBytes * 2) + sizeof(long))]
public sealed class Sequence
{
    /// <summary>The value of a sequence before anything was claimed or processed.</summary>
    public const long InitialValue = -1;

    [FieldOffset(CacheLine.PaddingBytes)]
    private long _value;

    // The CLR ignores StructLayout.Size for classes (it honours it only for structs), so without a field here the
    // object would end right after _value and the next object on the heap would share its cache line. Never used.
#pragma warning disable CS0169 // The field is never used: it only reserves the trailing padding.
    [FieldOffset(CacheLine.PaddingBytes * 2)]
    private readonly long _trailingPadding;
#pragma warning restore CS0169

    /// <summary>Creates a sequence at <paramref name="initialValue"/> (-1 by default).</summary>
    public Sequence(long initialValue = InitialValue)
    {
        _value = initialValue;
    }

    /// <summary>The current value, read with acquire semantics.</summary>
    public long Value => Volatile.Read(ref _value);

    /// <summary>Writes <paramref name="value"/> with release semantics.</summary>
    public void SetValue(long value) => Volatile.Write(ref _value, value);

    /// <summary>Writes <paramref name="value"/> followed by a full fence.</summary>
    public void SetValueVolatile(long value) => Interlocked.Exchange(ref _value, value);

    /// <summary>Atomically sets the value to <paramref name="next"/> if it equals <paramref name="expected"/>.</summary>
    public bool CompareAndSet(long expected, long next) =>
        Interlocked.CompareExchange(ref _value, next, expected) == expected;

    /// <summary>Atomically adds <paramref name="delta"/> and returns the new value.</summary>
    public long AddAndGet(long delta) => Interlocked.Add(ref _value, delta);

    /// <inheritdoc />
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    internal static long GetMinimum(Sequence[] sequences, long minimum)
    {
        for (int i = 0; i < sequences.Length; i++)
        {
            long value = sequences[i].Value;
            if (value < minimum)
            {
                minimum = value;
            }
        }

        return minimum;
    }
}
