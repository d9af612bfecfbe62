using Microsoft.Extensions.Logging;

namespace Pipeline.Journal.Internal;

internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Journal tail in {File} was torn at offset {Position} (after sequence {LastSequence}): truncated {Bytes} bytes that never became durable")]
    public static partial void TornTailTruncated(ILogger logger, string file, long position, long lastSequence, long bytes);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Journal opened in {Directory}: {Segments} segment(s), last sequence {LastSequence}, durability {Durability}")]
    public static partial void Opened(ILogger logger, string directory, int segments, long lastSequence, DurabilityPolicy durability);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Critical, Message = "Journal write or fsync failed in {File}: acknowledgements stop at durable sequence {DurableSequence}")]
    public static partial void WriteFailed(ILogger logger, System.Exception exception, string file, long durableSequence);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Journal segment {File} sealed at sequence {LastSequence}; next segment starts at {NextSequence} (the roll took {Milliseconds} ms)")]
    public static partial void SegmentSealed(ILogger logger, string file, long lastSequence, long nextSequence, double milliseconds);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Journal index {File} was missing or invalid; rebuilt by scanning the segment")]
    public static partial void IndexRebuilt(ILogger logger, string file);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information, Message = "Retention {Policy}: segment {File} (sequences up to {LastSequence}) removed from the journal")]
    public static partial void SegmentRetired(ILogger logger, RetentionPolicy policy, string file, long lastSequence);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "Snapshot {File} is unreadable ({Reason}); trying an older one")]
    public static partial void SnapshotUnreadable(ILogger logger, string file, string reason);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Information, Message = "Snapshot at sequence {Sequence} written to {File} ({Bytes} bytes)")]
    public static partial void SnapshotWritten(ILogger logger, long sequence, string file, long bytes);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Error, Message = "Snapshot at sequence {Sequence} could not be written")]
    public static partial void SnapshotFailed(ILogger logger, System.Exception exception, long sequence);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Warning, Message = "Journal could not preallocate the spare segment {File}; the next segment is created without preallocation")]
    public static partial void PreallocationFailed(ILogger logger, System.Exception exception, string file);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Information, Message = "Journal segment {File} preallocated to {Bytes} bytes (zero-filled) in {Milliseconds} ms")]
    public static partial void Preallocated(ILogger logger, string file, long bytes, double milliseconds);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Warning, Message = "Snapshot at sequence {Sequence} not written: stopping before the journal made its events durable")]
    public static partial void SnapshotNotDurable(ILogger logger, long sequence);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Recovery: loaded snapshot at sequence {Sequence} from {File}")]
    public static partial void SnapshotLoaded(ILogger logger, long sequence, string file);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Recovery: no usable snapshot; replaying the journal from the start")]
    public static partial void NoSnapshot(ILogger logger);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "Recovery: replayed {Count} events ({From}..{To}) in {Milliseconds} ms")]
    public static partial void Replayed(ILogger logger, long count, long from, long to, double milliseconds);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Information, Message = "{Work}: {Done} of {Total} events ({Percent}%), {Rate} events/s, about {SecondsLeft} s left ({Seconds} s so far)")]
    public static partial void Progress(ILogger logger, string work, long done, long total, double percent, double rate, double secondsLeft, double seconds);
}
