using System;
using Microsoft.Extensions.Logging;

namespace Pipeline.Hosting;

internal static partial class Log
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Critical, Message = "The {Handler} stage failed on ring sequence {RingSequence}; the pipeline halts and acknowledgements stop")]
    public static partial void JournalStageFailed(ILogger logger, Exception exception, string handler, long ringSequence);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Handler {Handler} failed on ring sequence {RingSequence} (journal sequence {Sequence}); the event is isolated and processing goes on")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string handler, long ringSequence, long sequence);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Recovered: state at sequence {Sequence} ({Snapshot}); replayed {Replayed} journal events in {ReplayMilliseconds} ms; {Events} events")]
    public static partial void Recovered(ILogger logger, long sequence, string snapshot, long replayed, double replayMilliseconds, long events);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "The event log ends at position {LogPosition}, behind snapshot {Snapshot} (position {SnapshotPosition}): the state is rebuilt from the start of the journal so that the missing events are decided again")]
    public static partial void EventLogBehindSnapshot(ILogger logger, long logPosition, long snapshotPosition, string snapshot);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Error, Message = "Command {Sequence} is rejected (handler_failed): {Problem}")]
    public static partial void EventUnstorable(ILogger logger, long sequence, string problem);

    [LoggerMessage(EventId = 3020, Level = LogLevel.Error, Message = "A result of stream '{Stream}' at command {Sequence} is not stored: {Problem}")]
    public static partial void StreamOutputUnstorable(ILogger logger, long sequence, string stream, string problem);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Pipeline ready: data in {DataDirectory}, durability {Durability}, ring {RingSize}, {Decoders} decoder(s), wait strategy {WaitStrategy}")]
    public static partial void Ready(ILogger logger, string dataDirectory, Pipeline.Journal.DurabilityPolicy durability, int ringSize, int decoders, Pipeline.Hosting.Configuration.WaitStrategyKind waitStrategy);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "Shutdown: drained to sequence {Sequence}; final snapshot {Snapshot}")]
    public static partial void ShutDown(ILogger logger, long sequence, string snapshot);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "Snapshot capture failed; the journal still holds every event")]
    public static partial void SnapshotCaptureFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Critical, Message = "The pipeline stopped: {Reason}")]
    public static partial void PipelineStopped(ILogger logger, Exception exception, string reason);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Warning, Message = "{Count} journal commit(s) took {Threshold} ms or more since the last such warning (longest {LongestMilliseconds} ms): the disk held up acknowledgements; see the pipeline.journal.commit.duration histogram")]
    public static partial void SlowJournalCommits(ILogger logger, long count, double longestMilliseconds, double threshold);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Error, Message = "Connection {ConnectionId}: checkpoint request {RequestId} failed in the checkpoint store")]
    public static partial void CheckpointFailed(ILogger logger, Exception exception, long connectionId, ulong requestId);
}
