using System.Collections.Generic;

namespace Pipeline.PerfReport;

/// <summary>The part of the latency harness's latency.json that the summary keeps.</summary>
internal sealed class RingLatencyFile
{
    /// <summary>The core-to-core handoff probe just before the first scenario; null in files that predate it.</summary>
    public HandoffProbeResult? HandoffProbeStart { get; set; }

    /// <summary>The same probe after the last scenario: far from the start means the machine changed under the runs.</summary>
    public HandoffProbeResult? HandoffProbeEnd { get; set; }

    public List<RingLatencyRun> Results { get; set; } = [];
}
