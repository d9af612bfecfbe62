namespace Pipeline.PerfReport;

/// <summary>One system's figure on one measure of the peers table.</summary>
/// <param name="Value">The median over the rounds that passed; null when none did or the run has no such figure.</param>
/// <param name="Status">
/// "ok"; "skipped: why"; "FAILED" (every round); "1 of 3 rounds FAILED" (the value is the others' median);
/// "not run" when the system has no run of this workload.
/// </param>
/// <param name="LowerBound">The system fell behind the open-loop rate: the latency is at least this.</param>
internal sealed record PeerMeasureValue(string System, double? Value, string Status, bool LowerBound = false);
