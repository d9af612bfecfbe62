namespace Pipeline.PerfReport;

/// <summary>The machine a run was taken on: what two runs must share before their numbers are compared.</summary>
internal sealed class MachineDescription
{
    public string Cpu { get; init; } = "unknown";

    public int Cores { get; init; }

    public string Memory { get; init; } = "unknown";

    public string Os { get; init; } = "unknown";

    public string Dotnet { get; init; } = "unknown";

    /// <summary>The git commit measured; " (dirty)" is appended when tracked files had local changes.</summary>
    public string Commit { get; init; } = "unknown";

    /// <summary>1/5/15-minute load averages and CPU pressure when the probe ran: other work on a shared machine.</summary>
    public string Load { get; init; } = "unknown";
}
