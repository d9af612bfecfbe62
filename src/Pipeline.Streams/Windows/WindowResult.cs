namespace Pipeline.Streams;

/// <summary>The result of one window for one key: the window is [<paramref name="Start"/>, <paramref name="End"/>) in event time.</summary>
/// <param name="Key">The key (<see cref="GlobalKey"/> for a global window).</param>
/// <param name="Start">The window's first time unit.</param>
/// <param name="End">The first time unit after the window.</param>
/// <param name="Value">The aggregate.</param>
/// <param name="Revision">0 for a window's first result for the key; with <see cref="LatePolicy.Correct"/>, each
/// correction of it carries the next number.</param>
public readonly record struct WindowResult<TKey, TOut>(TKey Key, long Start, long End, TOut Value, int Revision = 0);
