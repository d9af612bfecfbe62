namespace Pipeline.LatencyHarness;

/// <summary>How well the producer kept its schedule: events sent, how many more than one interval late,
/// how many catch-up bursts, the worst lag behind the schedule, and the achieved rate.</summary>
internal readonly record struct ScheduleStats(long Published, long LateEvents, long Bursts, double MaxLagNs, double AchievedRate);
