namespace Pipeline.Streams;

/// <summary>A user-defined window aggregate: a struct state per pane and key, merged to give a window's result.</summary>
/// <remarks><see cref="Merge"/> must be associative and agree with <see cref="Add"/> (adding a then b equals merging the
/// state of a into the state of b's earlier panes): sliding windows merge panes in time order.
/// Implement <see cref="IStateSerializer{T}"/> of <typeparamref name="TAcc"/> on the same class to make the flow snapshottable.</remarks>
public interface IAccumulator<TIn, TAcc, TOut>
    where TAcc : struct
{
    /// <summary>The state of a pane before its first event.</summary>
    TAcc Create();

    /// <summary>Folds one event into a pane's state.</summary>
    void Add(ref TAcc accumulator, in TIn value);

    /// <summary>Folds <paramref name="later"/> (a later pane of the same key) into <paramref name="accumulator"/>.</summary>
    void Merge(ref TAcc accumulator, in TAcc later);

    /// <summary>The window's result from the merged state of its panes.</summary>
    TOut Result(in TAcc accumulator);
}
