namespace Pipeline.Consumers.Format;

/// <summary>What a checkpoint record does to its consumer; the byte at offset 8 of the record.</summary>
internal enum CheckpointRecordKind : byte
{
    /// <summary>Never written: a zero byte here (zero-filled space) is not a record.</summary>
    None = 0,

    /// <summary>A consumer's commit moved its checkpoint forward (or, first for a name, created it).</summary>
    Commit = 1,

    /// <summary>An operator set the checkpoint, possibly backwards; creates the consumer if missing.</summary>
    Reset = 2,

    /// <summary>The consumer was deleted; its position field keeps the position it had, for operators.</summary>
    Delete = 3,
}
