namespace Pipeline.Consumers.Format;

/// <summary>Why <see cref="CheckpointRecord.Check"/> did not find a valid record (a code, so that the scan allocates nothing).</summary>
internal enum RecordProblem
{
    None,
    ShortPrefix,
    ImpossibleLength,
    PastEnd,
    Crc,
    Kind,
    Name,
    Negative,
}
