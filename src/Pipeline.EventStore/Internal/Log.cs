using Microsoft.Extensions.Logging;

namespace Pipeline.EventStore.Internal;

internal static partial class Log
{
    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Event log tail in {File} was torn at offset {Offset} (after position {LastPosition}): truncated {Bytes} bytes that never became whole")]
    public static partial void TornTailTruncated(ILogger logger, string file, long offset, long lastPosition, long bytes);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "Event log opened in {Directory}: {Segments} segment(s), last position {LastPosition}")]
    public static partial void Opened(ILogger logger, string directory, int segments, long lastPosition);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Critical, Message = "Event log {Operation} failed in {File}: the writer stops at durable position {DurablePosition}")]
    public static partial void WriteFailed(ILogger logger, System.Exception exception, string operation, string file, long durablePosition);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Information, Message = "Event log segment {File} sealed at position {LastPosition}; the next segment starts at {NextPosition}")]
    public static partial void SegmentSealed(ILogger logger, string file, long lastPosition, long nextPosition);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Warning, Message = "Event log segment {File} was shorter than its header (a crash while it was created, before any event went in): header written again")]
    public static partial void SegmentHeaderRewritten(ILogger logger, string file);

    [LoggerMessage(EventId = 1206, Level = LogLevel.Warning, Message = "Event log index {File} was rebuilt from its segment ({Records} records) because {Reason}")]
    public static partial void IndexRebuilt(ILogger logger, string file, int records, string reason);

    [LoggerMessage(EventId = 1207, Level = LogLevel.Warning, Message = "Event log index {File} could not be written when its segment was sealed; readers rebuild it when they need it")]
    public static partial void IndexWriteFailed(ILogger logger, System.Exception exception, string file);

    [LoggerMessage(EventId = 1208, Level = LogLevel.Debug, Message = "Event log index {File} of the newest sealed segment was not written yet (the writer writes it in the background after a roll): built it from its segment ({Records} records)")]
    public static partial void IndexBuiltBeforeWriter(ILogger logger, string file, int records);
}
