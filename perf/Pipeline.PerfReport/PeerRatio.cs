namespace Pipeline.PerfReport;

/// <summary>
/// Pipeline against one peer on one measure, oriented so that above 1 Pipeline is better: Pipeline ÷ peer for
/// throughput, peer ÷ Pipeline for latency.
/// </summary>
/// <param name="Ratio">Null when either side has no figure (not run, skipped, failed, or zero).</param>
/// <param name="Bound">
/// "" when both figures are exact; "≥" or "≤" when one side fell behind its open-loop rate (its latency is a lower
/// bound, so the ratio is one too); "?" when both did.
/// </param>
internal sealed record PeerRatio(string Peer, string Pipeline, double? Ratio, string Bound = "")
{
    /// <summary>True when the peer did better than Pipeline on this measure.</summary>
    public bool PeerBetter => Ratio < 1;
}
