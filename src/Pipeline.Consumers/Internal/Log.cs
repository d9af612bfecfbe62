using Microsoft.Extensions.Logging;

namespace Pipeline.Consumers.Internal;

internal static partial class Log
{
    [LoggerMessage(EventId = 1301, Level = LogLevel.Warning, Message = "Checkpoint file {File} had a torn tail at offset {Offset}: truncated {Bytes} bytes that were never acknowledged")]
    public static partial void TornTailTruncated(ILogger logger, string file, long offset, long bytes);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Information, Message = "Checkpoint store opened in {Directory}: {Consumers} consumer(s) from {Records} record(s)")]
    public static partial void Opened(ILogger logger, string directory, int consumers, long records);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Information, Message = "Checkpoint store created in {Directory} (no {File} was there)")]
    public static partial void Created(ILogger logger, string directory, string file);

    [LoggerMessage(EventId = 1304, Level = LogLevel.Warning, Message = "Checkpoint store deleted {File}, left by a compaction or creation that did not finish")]
    public static partial void StrayTempFileDeleted(ILogger logger, string file);

    [LoggerMessage(EventId = 1305, Level = LogLevel.Information, Message = "Checkpoint file {File} compacted from {RecordsBefore} to {RecordsAfter} record(s) ({Bytes} bytes) in {Milliseconds} ms")]
    public static partial void Compacted(ILogger logger, string file, long recordsBefore, long recordsAfter, long bytes, double milliseconds);

    [LoggerMessage(EventId = 1306, Level = LogLevel.Warning, Message = "Checkpoint file {File} could not be compacted; it keeps growing until the next attempt after {Records} records")]
    public static partial void CompactionFailed(ILogger logger, System.Exception exception, string file, long records);

    [LoggerMessage(EventId = 1307, Level = LogLevel.Critical, Message = "Checkpoint store {Operation} failed in {File}: it accepts nothing more until it is reopened")]
    public static partial void WriteFailed(ILogger logger, System.Exception exception, string operation, string file);

    [LoggerMessage(EventId = 1308, Level = LogLevel.Information, Message = "Checkpoint of consumer {Consumer} reset to {Position} (it was {Previous})")]
    public static partial void Reset(ILogger logger, string consumer, long position, string previous);

    [LoggerMessage(EventId = 1309, Level = LogLevel.Information, Message = "Consumer {Consumer} deleted at checkpoint {Position}")]
    public static partial void Deleted(ILogger logger, string consumer, long position);
}
