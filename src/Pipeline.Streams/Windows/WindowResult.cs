namespace Pipeline.Streams;

/// <summary>The result of one window for one key: the window is [<paramref name="Start"/>, <paramref name="End"/>) in event time.</summary>
public readonly record struct WindowResult<TKey, TOut>(TKey Key, long Start, long End, TOut Value);
