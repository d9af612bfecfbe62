namespace Pipeline.LoadGen;

/// <summary>One timed read of the whole store by the catch-up verb.</summary>
/// <param name="Seconds">From the SUBSCRIBE (or the first FETCH) to the last event received.</param>
/// <param name="Events">Events received.</param>
/// <param name="Bytes">Their event records' bytes as on the wire (50 + stream id + type + payload each).</param>
/// <param name="EventsPerSecond">Events over seconds.</param>
/// <param name="BytesPerSecond">Bytes over seconds.</param>
internal sealed record CatchupRead(double Seconds, long Events, long Bytes, double EventsPerSecond, double BytesPerSecond);
