namespace Pipeline.Journal;

/// <summary>When the journal forces appended records to disk, and so how far <see cref="JournalWriter.DurableSequence"/> may run.</summary>
public enum DurabilityPolicy
{
    /// <summary>Group commit: one fsync per commit (per producer batch). The default; nothing acknowledged is lost.</summary>
    Batch,

    /// <summary>fsync at most every <see cref="JournalOptions.FlushInterval"/>; acknowledgements wait for it.</summary>
    Interval,

    /// <summary>
    /// No fsync: records count as durable once written to the OS cache. UNSAFE: a power loss or kernel crash loses
    /// acknowledged events (a process kill does not). For benchmarks only.
    /// </summary>
    None,
}
