namespace Pipeline.Server.IntegrationTests.Infrastructure;

/// <summary>One event of the event log, copied out of the cursor's buffer; records compare field by field.</summary>
internal sealed record LoggedEvent(
    long Position,
    long CommandSequence,
    string Stream,
    long StreamVersion,
    string Type,
    ushort SchemaVersion,
    long TimestampTicks,
    ulong ProducerId,
    string Payload);
