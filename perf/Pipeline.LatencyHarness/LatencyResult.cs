namespace Pipeline.LatencyHarness;

/// <summary>One measured run of one scenario at one rate. Latencies are nanoseconds.</summary>
internal sealed record LatencyResult(
    string Scenario,
    string Threads,
    int Rate,
    double DurationSeconds,
    long Count,
    long P50,
    long P90,
    long P99,
    long P999,
    long Max,
    double Mean,
    long IntendedP50,
    long IntendedP99,
    long IntendedMax,
    ScheduleStats Schedule,
    int Gen0,
    int Gen1,
    int Gen2,
    double AllocatedBytesPerEvent,
    double ProbeRoundTripNs,
    double ProbeAfterRoundTripNs,
    double CpuPressure,
    string LoadAverage,
    bool Drained);
