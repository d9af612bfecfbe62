using System;

namespace Pipeline.PerfReport;

/// <summary>
/// probes.json: the machine and the state it was in when the run started. The handoff time moves every
/// inter-thread figure and the flush time every durable one, so two runs are comparable only when these agree.
/// </summary>
internal sealed class ProbeReport
{
    public DateTime MeasuredAtUtc { get; init; }

    public MachineDescription Machine { get; init; } = new();

    public HandoffProbeResult? Handoff { get; init; }

    public DiskSyncResult? DiskSync { get; init; }
}
