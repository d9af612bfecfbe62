using System.Collections.Generic;

namespace Pipeline.PerfReport;

/// <summary>The part of the latency harness's latency.json that the summary keeps.</summary>
internal sealed class RingLatencyFile
{
    public List<RingLatencyRun> Results { get; set; } = [];
}
