using System;
using System.Threading;
using System.Threading.Tasks;

namespace Pipeline.Application;

/// <summary>A read model: fed every accepted event in journal order, on one engine thread, once the command is durable.</summary>
/// <typeparam name="TEvent">The application's event type.</typeparam>
public interface IReadModel<TEvent>
{
    /// <summary>Applies one event.</summary>
    void Apply(in TEvent @event, in EventContext context);

    /// <summary>Every command up to <paramref name="sequence"/> has been applied (called at the end of each batch); make it visible to queries.</summary>
    void Publish(long sequence);
}

/// <summary>Answers QUERY frames from a read model. Called on connection threads, many at once: must be thread-safe.</summary>
public interface IQueryHandler
{
    /// <summary>
    /// Checks a query's name and arguments before it waits for its min_sequence: returns null and a prepared
    /// query to pass to <see cref="Execute"/>, or the BAD_REQUEST message.
    /// </summary>
    string? Prepare(string name, ReadOnlySpan<byte> args, out object? prepared);

    /// <summary>Answers a prepared query once the read model reflects its min_sequence.</summary>
    ValueTask<QueryAnswer> Execute(object? prepared, CancellationToken cancellationToken);
}

/// <summary>The status and JSON body of a query's answer.</summary>
/// <param name="Status">0 OK, 1 NOT_FOUND, 2 BAD_REQUEST (protocol.md's RESULT statuses).</param>
/// <param name="Body">UTF-8 JSON.</param>
public readonly record struct QueryAnswer(byte Status, byte[] Body);

/// <summary>An application's read side: its read model and its queries.</summary>
/// <typeparam name="TEvent">The application's event type.</typeparam>
/// <param name="Model">Fed with every accepted event.</param>
/// <param name="Queries">Answers QUERY frames.</param>
public sealed record ReadSide<TEvent>(IReadModel<TEvent> Model, IQueryHandler Queries);

/// <summary>What the engine gives an application's read side.</summary>
/// <param name="Events">Reads of the stored events, or null when the event store is off.</param>
public sealed record ApplicationServices(IStoredEventReader? Events);

/// <summary>Reads of one stream's stored events (for time travel: the state of a stream as of a sequence or a time).</summary>
public interface IStoredEventReader
{
    /// <summary>
    /// Calls <paramref name="visit"/> with each stored event of <paramref name="stream"/> in stream order (type,
    /// schema version, payload, and its context) whose command sequence is at most <paramref name="maxCommandSequence"/>
    /// and timestamp at most <paramref name="maxTimestampTicks"/>, stopping when it returns false. Returns whether the stream exists.
    /// </summary>
    bool ReadStream(string stream, long maxCommandSequence, long maxTimestampTicks, StoredEventVisitor visit);
}

/// <summary>One stored event handed to a visitor; the spans are valid only during the call.</summary>
public delegate bool StoredEventVisitor(ReadOnlySpan<byte> type, ushort schemaVersion, ReadOnlySpan<byte> payload, in EventContext context);
