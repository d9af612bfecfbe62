namespace Pipeline.Streams;

/// <summary>Takes the events a flat-map (<c>SelectMany</c>) makes of one event; call it from the flat-map only.</summary>
/// <typeparam name="T">The emitted event.</typeparam>
public interface IEmitter<T>
{
    /// <summary>Passes one event on, at the event time of the event being expanded.</summary>
    void Emit(in T value);
}

/// <summary>Expands one event into zero or more, handing each to <paramref name="emit"/> (no allocation needed).</summary>
/// <typeparam name="T">The event expanded.</typeparam>
/// <typeparam name="TOut">The events it becomes.</typeparam>
public delegate void FlatMap<T, TOut>(in T value, IEmitter<TOut> emit);
