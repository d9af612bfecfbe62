using System.Collections.Generic;

namespace Pipeline.EventStore.Maintenance;

/// <summary>What a full scan of the event log found.</summary>
public sealed class EventLogReport
{
    /// <summary>The segment files scanned, oldest first.</summary>
    public List<string> Segments { get; } = [];

    /// <summary>Valid events before the first problem.</summary>
    public long Events { get; set; }

    /// <summary>The first position (0 if no event).</summary>
    public long FirstPosition { get; set; }

    /// <summary>The last valid position before the first problem (0 if no event).</summary>
    public long LastPosition { get; set; }

    /// <summary>The command sequence of the first event (0 if no event).</summary>
    public long FirstCommandSequence { get; set; }

    /// <summary>The command sequence of the last valid event (0 if no event).</summary>
    public long LastCommandSequence { get; set; }

    /// <summary>Total bytes of valid records.</summary>
    public long Bytes { get; set; }

    /// <summary>Problems found; the scan stops at the first one.</summary>
    public List<EventLogProblem> Problems { get; } = [];

    /// <summary>True when nothing but (at most) a torn tail was found: the service opens the log.</summary>
    public bool IsHealthy => Problems.TrueForAll(p => p.IsTornTail);
}
