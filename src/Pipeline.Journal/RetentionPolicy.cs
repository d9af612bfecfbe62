namespace Pipeline.Journal;

/// <summary>What happens to segments wholly older than the oldest kept snapshot.</summary>
public enum RetentionPolicy
{
    /// <summary>Keep every segment (the default): a full replay from an empty state stays possible.</summary>
    KeepAll,

    /// <summary>Delete such segments.</summary>
    Delete,

    /// <summary>Move such segments (and their index files) to <see cref="JournalOptions.ArchiveDirectory"/>.</summary>
    Archive,
}
