namespace Pipeline.LoadGen;

/// <summary>When the open loop writes each connection's due commands (the intended times are the same in both).</summary>
internal enum OpenLoopPacing
{
    /// <summary>One round about every millisecond writes every connection's due commands at the same instant.</summary>
    Shared,

    /// <summary>
    /// Each connection is written at its own phase of a 1 ms period (connection i of N at i/N of it), so the writes
    /// arrive spread over the millisecond, as from clients that are not synchronised.
    /// </summary>
    Spread,
}
