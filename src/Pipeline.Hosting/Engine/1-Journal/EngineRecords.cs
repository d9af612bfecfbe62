namespace Pipeline.Hosting.Engine;

/// <summary>
/// Journal records the engine writes itself. Their types start with <c>$</c>, which no application's command type
/// may (a client's <c>$tick</c> is INVALID as an unknown type), so a replay tells them apart by type alone.
/// </summary>
internal static class EngineRecords
{
    /// <summary>
    /// A heartbeat with the journal's time and nothing else (schema version 1, empty payload, producer 0), written
    /// while the input is idle and a flow has a window waiting, so that windows close on time on every replay.
    /// </summary>
    public static System.ReadOnlySpan<byte> Tick => "$tick"u8;

    public const ushort TickSchemaVersion = 1;
}
