namespace Pipeline.Streams.Operators;

/// <summary>One link of a built chain; each concrete operator is sealed so its calls to the next link are the only virtual ones.</summary>
internal abstract class Operator<T> : Stage
{
    public abstract void OnEvent(in T value, long eventTime);
}
