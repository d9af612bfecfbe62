using System;
using System.Buffers;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Pipeline.Consumers;
using Pipeline.EventStore;
using Pipeline.Hosting.Configuration;
using Pipeline.Ingest;
using Pipeline.Protocol;

namespace Pipeline.Hosting.Engine;

/// <summary>
/// The consumer side of the engine (protocol version 3), last in the data flow (commands in -> journal -> decide
/// -> events -> event store -> consumers): push subscriptions and FETCH served from the event store, the durable
/// consumers' checkpoints (COMMIT, CONSUMER_ADMIN) in <c>DataDirectory/consumers</c>, and the query
/// <c>pipeline.consumers</c>.
/// </summary>
/// <remarks>
/// Exists only when the event store is on; the engine answers NOT_SUPPORTED itself otherwise. Thread-safe: its
/// On* members are called on connection readers and never block; checkpoint writes (fsync) run on the thread pool.
/// </remarks>
// Design: no mutable state of its own. The subscription service keeps the subscriptions and the consumer holders;
// the checkpoint store serialises and group-commits the checkpoints. A COMMIT or CONSUMER_ADMIN is answered from
// one thread-pool task after its record is durable; a RESET or DELETE first ends the holder's subscription (and
// waits until its SUB_END is queued and the name is free), then changes the checkpoint.
internal sealed class ConsumerServer : IDisposable
{
    public const string ConsumersQuery = "pipeline.consumers";
    private readonly SubscriptionService _subscriptions;
    private readonly FetchService _fetches;
    private readonly CheckpointStore _checkpoints;
    private readonly VisibleHead _head;
    private readonly ILogger _logger;

    public ConsumerServer(EventStoreReader reader, string dataDirectory, ConsumerSettings settings, ILoggerFactory loggers, PipelineMetrics metrics, TimeProvider? time = null)
    {
        _logger = loggers.CreateLogger("Pipeline.Hosting.Consumers");
        _head = reader.Head;
        _checkpoints = CheckpointStore.Open(Path.Combine(dataDirectory, "consumers"), loggers.CreateLogger("Pipeline.Consumers"), time);
        ILogger ingest = loggers.CreateLogger("Pipeline.Ingest");
        var options = new SubscriptionOptions
        {
            MaxSubscriptionsPerConnection = settings.MaxSubscriptionsPerConnection,
            MaxSubscriptions = settings.MaxSubscriptions,
            HeartbeatInterval = settings.HeartbeatInterval,
        };
        _subscriptions = new SubscriptionService(reader, options, new StoreCheckpoints(_checkpoints), ingest, time);
        _fetches = new FetchService(reader, ingest, time);
        metrics.ObserveConsumers(Positions, Lags, () => _subscriptions.PushedEvents, () => _subscriptions.Count);
    }

    public SubscriptionService Subscriptions => _subscriptions;

    public void OnSubscribe(IngestConnection connection, in SubscribeFrame frame) => _subscriptions.Subscribe(connection, frame);

    public void OnCredit(IngestConnection connection, in CreditFrame frame) => _subscriptions.Credit(connection, frame);

    public void OnUnsubscribe(IngestConnection connection, in UnsubscribeFrame frame) => _subscriptions.Unsubscribe(connection, frame);

    public void OnFetch(IngestConnection connection, in FetchFrame frame) => _fetches.Start(connection, frame);

    public void OnConnectionClosed(IngestConnection connection) => _subscriptions.ConnectionClosed(connection);

    public void OnCommit(IngestConnection connection, in CommitFrame frame)
    {
        ulong requestId = frame.RequestId;
        if (!frame.TryValidate(out string? error) || !WithinHead(frame.Position, out error))
        {
            connection.SendConsumerResult(requestId, ConsumerResultStatus.BadRequest, 0, error!);
            return;
        }

        string consumer = Encoding.ASCII.GetString(frame.Consumer);
        long position = (long)frame.Position;
        _ = Task.Run(() =>
        {
            if (TryStore(connection, requestId, () => _checkpoints.Commit(consumer, position), out CommitResult result))
            {
                connection.SendConsumerResult(requestId, result.Applied ? ConsumerResultStatus.Ok : ConsumerResultStatus.Stale, (ulong)result.Checkpoint.Position,
                    result.Applied ? string.Empty : Invariant($"the checkpoint of '{consumer}' is {result.Checkpoint.Position}, after {position}: a checkpoint never moves backwards"));
            }
        });
    }

    public void OnConsumerAdmin(IngestConnection connection, in ConsumerAdminFrame frame)
    {
        ulong requestId = frame.RequestId;
        if (!frame.TryValidate(out string? error) || (frame.Operation == ConsumerOperation.Reset && !WithinHead(frame.Position, out error)))
        {
            connection.SendConsumerResult(requestId, ConsumerResultStatus.BadRequest, 0, error!);
            return;
        }

        string consumer = Encoding.ASCII.GetString(frame.Consumer);
        ConsumerOperation operation = frame.Operation;
        long position = (long)frame.Position;
        _ = Task.Run(async () =>
        {
            string reason = operation == ConsumerOperation.Reset
                ? Invariant($"an operator reset the checkpoint of '{consumer}' to {position}")
                : Invariant($"an operator deleted the consumer '{consumer}'");
            await _subscriptions.EndConsumerAsync(consumer, SubscriptionEndStatus.Reset, reason).ConfigureAwait(false);
            if (operation == ConsumerOperation.Reset)
            {
                if (TryStore(connection, requestId, () => _checkpoints.Reset(consumer, position), out ConsumerCheckpoint checkpoint))
                {
                    connection.SendConsumerResult(requestId, ConsumerResultStatus.Ok, (ulong)checkpoint.Position, string.Empty);
                }
            }
            else if (TryStore(connection, requestId, () => _checkpoints.Delete(consumer), out bool deleted))
            {
                connection.SendConsumerResult(requestId, deleted ? ConsumerResultStatus.Ok : ConsumerResultStatus.NotFound, 0,
                    deleted ? string.Empty : Invariant($"no consumer '{consumer}'"));
            }
        });
    }

    /// <summary>Answers a QUERY whose name starts with <c>pipeline.</c> (the server's, not the application's).</summary>
    public void OnQuery(IngestConnection connection, ulong requestId, ulong sequence, string name, byte[] args) => _ = Task.Run(() =>
    {
        (ResultStatus status, string body) = name == ConsumersQuery ? Consumers(args) : (ResultStatus.BadRequest, ErrorBody($"unknown query '{name}'"));
        connection.SendResult(requestId, sequence, status, body);
    });

    // The OK body of pipeline.consumers (docs/protocol.md), or NOT_FOUND / BAD_REQUEST.
    private (ResultStatus Status, string Body) Consumers(byte[] args)
    {
        string? only;
        try
        {
            using JsonDocument document = JsonDocument.Parse(args.Length == 0 ? "{}"u8.ToArray() : args);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (ResultStatus.BadRequest, ErrorBody("args must be a JSON object"));
            }

            only = document.RootElement.TryGetProperty("consumer", out JsonElement consumer)
                ? consumer.ValueKind == JsonValueKind.String ? consumer.GetString() : throw new JsonException("consumer must be a string")
                : null;
        }
        catch (JsonException ex)
        {
            return (ResultStatus.BadRequest, ErrorBody("malformed args: " + ex.Message));
        }

        if (only is not null && !CheckpointStore.IsValidName(only, out string? nameError))
        {
            return (ResultStatus.BadRequest, ErrorBody(nameError!));
        }

        long head = _head.Position;
        IReadOnlyList<ConsumerCheckpoint> all;
        try
        {
            all = _checkpoints.List();
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            return (ResultStatus.BadRequest, ErrorBody("the checkpoint store failed: " + ex.Message));
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        bool found = false;
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("head", head);
            writer.WriteStartArray("consumers");
            foreach (ConsumerCheckpoint checkpoint in all)
            {
                if (only is not null && checkpoint.Name != only)
                {
                    continue;
                }

                found = true;
                writer.WriteStartObject();
                writer.WriteString("consumer", checkpoint.Name);
                writer.WriteNumber("position", checkpoint.Position);
                writer.WriteNumber("lag", Math.Max(0, head - checkpoint.Position));
                writer.WriteNumber("commits", checkpoint.Commits);
                writer.WriteString("updatedAt", new DateTime(checkpoint.UpdatedAtTicks, DateTimeKind.Utc).ToString("O", CultureInfo.InvariantCulture));
                writer.WriteBoolean("subscribed", _subscriptions.IsHeld(checkpoint.Name));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        if (only is not null && !found)
        {
            return (ResultStatus.NotFound, NotFoundBody(only));
        }

        return (ResultStatus.Ok, Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    private bool WithinHead(ulong position, out string? error)
    {
        long head = _head.Position;
        if (position > (ulong)head)
        {
            error = Invariant($"position {position} is above the visible head {head}");
            return false;
        }

        error = null;
        return true;
    }

    // Runs a checkpoint store call; a failure is answered STORE_ERROR (and logged), an answer is never lost.
    private bool TryStore<T>(IngestConnection connection, ulong requestId, Func<T> call, out T result)
    {
        try
        {
            result = call();
            return true;
        }
#pragma warning disable CA1031 // any failure of the store is this request's STORE_ERROR; the connection goes on
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.CheckpointFailed(_logger, ex, connection.Id, requestId);
            connection.SendConsumerResult(requestId, ConsumerResultStatus.StoreError, 0, ex.Message);
            result = default!;
            return false;
        }
    }

    private IEnumerable<Measurement<long>> Positions()
    {
        foreach (ConsumerCheckpoint checkpoint in SafeList())
        {
            yield return new Measurement<long>(checkpoint.Position, new KeyValuePair<string, object?>("consumer", checkpoint.Name));
        }
    }

    private IEnumerable<Measurement<long>> Lags()
    {
        long head = _head.Position;
        foreach (ConsumerCheckpoint checkpoint in SafeList())
        {
            yield return new Measurement<long>(Math.Max(0, head - checkpoint.Position), new KeyValuePair<string, object?>("consumer", checkpoint.Name));
        }
    }

    // The metrics never throw into the collector: a failed or closed store has no consumers to report.
    private IReadOnlyList<ConsumerCheckpoint> SafeList()
    {
        try
        {
            return _checkpoints.List();
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or ObjectDisposedException)
        {
            return [];
        }
    }

    private static string ErrorBody(string error)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("error", error);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string NotFoundBody(string consumer)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("consumer", consumer);
            writer.WriteString("error", "no such consumer");
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>Closes the checkpoint store (fsync, lock released).</summary>
    public void Dispose() => _checkpoints.Dispose();
}
