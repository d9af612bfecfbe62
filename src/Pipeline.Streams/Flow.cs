namespace Pipeline.Streams;

/// <summary>Starts a flow description.</summary>
public static class Flow
{
    /// <summary>A description whose input events are of type <typeparamref name="T"/>; operators are added with its methods.</summary>
    public static Flow<T, T> Of<T>() => new(static next => next);
}
