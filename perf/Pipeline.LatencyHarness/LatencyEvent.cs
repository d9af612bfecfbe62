namespace Pipeline.LatencyHarness;

/// <summary>What the paced producer sends: when it meant to send the event and when it actually did (Stopwatch ticks).</summary>
internal struct LatencyEvent
{
    public long SendTicks;
    public long IntendedTicks;
}
