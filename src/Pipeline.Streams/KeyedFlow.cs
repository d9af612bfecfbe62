using System;

namespace Pipeline.Streams;

/// <summary>A flow partitioned by key, waiting for its window.</summary>
public sealed class KeyedFlow<TSource, TKey, T>
    where TKey : notnull
{
    private readonly Flow<TSource, T> _upstream;
    private readonly Func<T, TKey> _keySelector;
    private readonly IStateSerializer<TKey>? _keySerializer;

    internal KeyedFlow(Flow<TSource, T> upstream, Func<T, TKey> keySelector, IStateSerializer<TKey>? keySerializer)
    {
        _upstream = upstream;
        _keySelector = keySelector;
        _keySerializer = keySerializer;
    }

    /// <summary>Windows per key; see <see cref="Flow{TSource, T}.Window"/> for the parameters.</summary>
    public WindowedFlow<TSource, TKey, T> Window(
        WindowSpec spec, long lateness = 0, LatePolicy late = LatePolicy.SideOutput, ISink<T>? lateSink = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lateness);
        if (late is not (LatePolicy.SideOutput or LatePolicy.Correct))
        {
            throw new ArgumentOutOfRangeException(nameof(late), late, "late must be SideOutput or Correct");
        }

        if (spec.IsSession && late == LatePolicy.Correct)
        {
            throw new ArgumentOutOfRangeException(nameof(late), late, "session windows support only LatePolicy.SideOutput");
        }

        if (spec.Size == 0)
        {
            throw new ArgumentException("the window spec must come from Windows.Tumbling or Windows.Sliding", nameof(spec));
        }

        return new WindowedFlow<TSource, TKey, T>(_upstream, _keySelector, _keySerializer, spec, lateness, late, lateSink);
    }
}
