namespace Pipeline.LoadGen;

/// <summary>How a load run paces its commands.</summary>
internal enum LoadMode
{
    /// <summary>A fixed rate from a schedule of intended send times, whatever the server does.</summary>
    Open,

    /// <summary>A window of commands in flight per connection, refilled as ACKs come back (maximum throughput).</summary>
    Closed,
}
