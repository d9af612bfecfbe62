namespace Pipeline.Consumers.Format;

/// <summary>What <see cref="CheckpointRecord.Check"/> found at an offset.</summary>
internal enum RecordStatus
{
    Valid,

    /// <summary>The file ends inside a record whose length is possible: a cut-short write.</summary>
    Incomplete,

    /// <summary>An impossible length, a wrong CRC or a field that breaks its rule.</summary>
    Damaged,
}
