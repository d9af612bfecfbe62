using System;
using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.EventStore;
using Pipeline.Application;
using Pipeline.Ingest;
using Pipeline.Protocol;

namespace Pipeline.Hosting.Engine;

/// <summary>Answers QUERY frames with the application's query handler, once the read model reflects their min_sequence.</summary>
/// <remarks>
/// Called on connection threads. A query whose min_sequence the read model has not reached waits for it (no
/// polling: the read-model stage wakes it) up to the query timeout, then answers TIMEOUT.
/// </remarks>
internal sealed class QueryService
{
    private readonly IQueryHandler _handler;
    private readonly VisibleHead _position;
    private readonly TimeSpan _timeout;
    private readonly CancellationToken _stopping;

    public QueryService(IQueryHandler handler, VisibleHead position, TimeSpan timeout, CancellationToken stopping)
    {
        _handler = handler;
        _position = position;
        _timeout = timeout;
        _stopping = stopping;
    }

    public void Handle(IngestConnection connection, in QueryFrame frame)
    {
        ulong requestId = frame.RequestId;
        string name = Encoding.UTF8.GetString(frame.Name);
        string? error = _handler.Prepare(name, frame.Args, out object? prepared);
        if (error is not null)
        {
            connection.SendResult(requestId, (ulong)_position.Position, ResultStatus.BadRequest, ErrorBody(error));
            return;
        }

        long minSequence = frame.MinSequence > long.MaxValue ? long.MaxValue : (long)frame.MinSequence;
        _ = AnswerAsync(connection, requestId, prepared, minSequence);
    }

    private async Task AnswerAsync(IngestConnection connection, ulong requestId, object? prepared, long minSequence)
    {
        bool reached;
        try
        {
            reached = await _position.WaitForAsync(minSequence, _timeout, _stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            reached = false;
        }

        if (!reached)
        {
            connection.SendResult(requestId, (ulong)_position.Position, ResultStatus.Timeout,
                ErrorBody($"the read model did not reach sequence {minSequence} within {_timeout.TotalMilliseconds:0} ms"));
            return;
        }

        // Read the position first: the values read after it reflect at least that position.
        long position = _position.Position;
        QueryAnswer answer;
        try
        {
            answer = await _handler.Execute(prepared, _stopping).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failing query must still be answered; the connection and the engine go on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            answer = new QueryAnswer((byte)ResultStatus.BadRequest, Encoding.UTF8.GetBytes(ErrorBody("the query failed: " + ex.Message)));
        }

        connection.SendResult(requestId, (ulong)position, (ResultStatus)answer.Status, Encoding.UTF8.GetString(answer.Body));
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
}
