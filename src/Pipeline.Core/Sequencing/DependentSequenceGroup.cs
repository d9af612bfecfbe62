using System;

namespace Pipeline.Core.Sequencing;

/// <summary>
/// The sequences a consumer waits on: the producer cursor plus the processors of the earlier stages.
/// </summary>
/// <remarks>
/// <see cref="Value"/> is the lowest of them: the highest sequence that every dependency has passed (for a
/// multi-producer ring, claimed, which the barrier narrows to published). Thread-safe; never allocates.
/// </remarks>
public sealed class DependentSequenceGroup
{
    private readonly Sequence _cursor;
    private readonly Sequence[] _dependents;
    private readonly Sequence? _single;

    internal DependentSequenceGroup(Sequence cursor, Sequence[] dependents)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        ArgumentNullException.ThrowIfNull(dependents);
        _cursor = cursor;
        _dependents = dependents.Length == 0 ? [cursor] : (Sequence[])dependents.Clone();
        _single = _dependents.Length == 1 ? _dependents[0] : null;
    }

    /// <summary>The producer cursor's current value.</summary>
    public long CursorValue => _cursor.Value;

    /// <summary>The lowest value of the dependencies (the cursor itself when there are none).</summary>
    public long Value => _single is not null ? _single.Value : Sequence.GetMinimum(_dependents, long.MaxValue);

    internal int Count => _dependents.Length;
}
