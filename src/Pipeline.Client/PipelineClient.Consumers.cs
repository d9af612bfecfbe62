using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Protocol;

namespace Pipeline.Client;

// Durable consumers: COMMIT and CONSUMER_ADMIN (protocol version 3) answered by CONSUMER_RESULT, and the query
// pipeline.consumers (any version). _consumerRequests follows the rules of _queries (PipelineClient.cs).
public sealed partial class PipelineClient
{
    /// <summary>The query that lists durable consumers (docs/protocol.md).</summary>
    public const string ConsumersQuery = "pipeline.consumers";

    private readonly System.Collections.Concurrent.ConcurrentDictionary<ulong, TaskCompletionSource<CommitResult>> _consumerRequests = new();

    /// <summary>
    /// Sets <paramref name="consumer"/>'s checkpoint (the last position it processed), creating the consumer if new;
    /// completes once the checkpoint is durable. A position below the current checkpoint is answered STALE and
    /// changes nothing. The status is reported in the result, never thrown.
    /// </summary>
    /// <remarks>Needs protocol version 3. Any connection may commit for any consumer. A lost connection fails the call: commit again (an equal position is OK).</remarks>
    /// <exception cref="InvalidOperationException">The connection speaks protocol version 1 or 2, or it failed.</exception>
    /// <exception cref="ArgumentException">The consumer name breaks the rule (1 to 128 ASCII letters, digits, '.', '_', '-').</exception>
    /// <exception cref="OperationCanceledException">From the task: <paramref name="cancellationToken"/> was cancelled before the answer (the commit may still be applied).</exception>
    public Task<CommitResult> CommitAsync(string consumer, ulong position, CancellationToken cancellationToken = default) =>
        SendConsumerRequestAsync(consumer, null, position, cancellationToken);

    /// <summary>
    /// Sets <paramref name="consumer"/>'s checkpoint to <paramref name="position"/>, backwards too (creating the consumer
    /// if new), and ends its open subscription with SUB_END RESET. Durable before it completes.
    /// </summary>
    /// <inheritdoc cref="CommitAsync" path="/remarks"/>
    /// <inheritdoc cref="CommitAsync" path="/exception"/>
    public Task<CommitResult> ResetConsumerAsync(string consumer, ulong position, CancellationToken cancellationToken = default) =>
        SendConsumerRequestAsync(consumer, ConsumerOperation.Reset, position, cancellationToken);

    /// <summary>Forgets <paramref name="consumer"/> (NOT_FOUND when it does not exist) and ends its open subscription with SUB_END RESET.</summary>
    /// <inheritdoc cref="CommitAsync" path="/remarks"/>
    /// <inheritdoc cref="CommitAsync" path="/exception"/>
    public Task<CommitResult> DeleteConsumerAsync(string consumer, CancellationToken cancellationToken = default) =>
        SendConsumerRequestAsync(consumer, ConsumerOperation.Delete, 0, cancellationToken);

    /// <summary>Every durable consumer, as the query <c>pipeline.consumers</c> lists them.</summary>
    /// <remarks>Works on any protocol version (it is a QUERY).</remarks>
    /// <exception cref="InvalidOperationException">The server answered with a status other than OK (e.g. it does not know the query), its JSON is not the documented shape, or the connection failed.</exception>
    public async Task<IReadOnlyList<ConsumerInfo>> ListConsumersAsync(CancellationToken cancellationToken = default)
    {
        QueryResult result = await QueryAsync(ConsumersQuery, "{}", 0, cancellationToken).ConfigureAwait(false);
        return result.Status == ResultStatus.Ok ? ParseConsumers(result.Body) : throw QueryFailed(result);
    }

    /// <summary>One durable consumer, or null when it does not exist (NOT_FOUND).</summary>
    /// <inheritdoc cref="ListConsumersAsync" path="/remarks"/>
    /// <inheritdoc cref="ListConsumersAsync" path="/exception"/>
    public async Task<ConsumerInfo?> GetConsumerAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        string args = JsonSerializer.Serialize(new Dictionary<string, string> { ["consumer"] = name });
        QueryResult result = await QueryAsync(ConsumersQuery, args, 0, cancellationToken).ConfigureAwait(false);
        return result.Status switch
        {
            ResultStatus.Ok => ParseConsumers(result.Body) is [ConsumerInfo one] ? one : throw Malformed(result.Body, "expected exactly one consumer"),
            ResultStatus.NotFound => null,
            _ => throw QueryFailed(result),
        };
    }

    /// <summary>Parses the OK body of <c>pipeline.consumers</c>; unknown fields are ignored.</summary>
    /// <exception cref="InvalidOperationException">The JSON is not the documented shape.</exception>
    internal static IReadOnlyList<ConsumerInfo> ParseConsumers(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            JsonElement root = document.RootElement;
            ulong head = root.GetProperty("head").GetUInt64();
            var consumers = new List<ConsumerInfo>();
            foreach (JsonElement c in root.GetProperty("consumers").EnumerateArray())
            {
                consumers.Add(new ConsumerInfo(
                    c.GetProperty("consumer").GetString() ?? throw Malformed(json, "a consumer name is null"),
                    c.GetProperty("position").GetUInt64(),
                    c.GetProperty("lag").GetUInt64(),
                    head,
                    c.GetProperty("commits").GetInt64(),
                    DateTime.Parse(c.GetProperty("updatedAt").GetString() ?? string.Empty, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
                    c.GetProperty("subscribed").GetBoolean()));
            }

            return consumers;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or FormatException or InvalidOperationException)
        {
            throw Malformed(json, ex.Message);
        }
    }

    private static InvalidOperationException Malformed(string json, string why, string query = ConsumersQuery) =>
        new($"The answer of {query} is not the documented JSON ({why}): {json}");

    private static InvalidOperationException QueryFailed(QueryResult result, string query = ConsumersQuery) =>
        new($"The query {query} was answered {result.Status}: {result.Body}");

    private async Task<CommitResult> SendConsumerRequestAsync(string consumer, ConsumerOperation? operation, ulong position, CancellationToken cancellationToken)
    {
        byte[] name = SubscriptionOptions.ConsumerName(consumer, nameof(consumer));
        RequireConsumerProtocol("Durable consumers");
        cancellationToken.ThrowIfCancellationRequested();

        ulong requestId = (ulong)Interlocked.Increment(ref _nextRequestId);
        var done = new TaskCompletionSource<CommitResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        _consumerRequests[requestId] = done;
        lock (_gate)
        {
            if (_failure is not null)
            {
                _consumerRequests.TryRemove(requestId, out _);
                ThrowIfFailed();
            }

            if (operation is { } op)
            {
                FrameWriter.WriteConsumerAdmin(_outgoing, requestId, op, position, name);
            }
            else
            {
                FrameWriter.WriteCommit(_outgoing, requestId, position, name);
            }
        }

        StartFlush();
        try
        {
            return await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _consumerRequests.TryRemove(requestId, out _);
            throw;
        }
    }

    // Receive task only.
    private void OnConsumerResult(ReadOnlySpan<byte> body)
    {
        if (!ServerFrames.TryParseConsumerResult(body, out ConsumerResultFrame frame))
        {
            throw new InvalidOperationException("Malformed CONSUMER_RESULT from the server.");
        }

        if (_consumerRequests.TryRemove(frame.RequestId, out TaskCompletionSource<CommitResult>? done))
        {
            done.TrySetResult(new CommitResult(frame.RequestId, frame.Status, frame.Position, Encoding.UTF8.GetString(frame.Message)));
        }
    }
}
