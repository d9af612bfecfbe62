using System;
using System.Globalization;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Protocol;

namespace Pipeline.Client;

// Reading events (protocol version 2): READ out, EVENTS and READ_END back (the Design block is in PipelineClient.cs).
public sealed partial class PipelineClient
{
    /// <summary>
    /// Sends a READ and collects its answer: every EVENTS frame up to the READ_END. The status is reported in the
    /// result, never thrown (as <see cref="QueryAsync"/> does).
    /// </summary>
    /// <param name="selector">Which events.</param>
    /// <param name="from">A position, a stream version (stream reads) or UTC ticks (time reads); see <see cref="ReadSelector"/>.</param>
    /// <param name="maxCount">1 to <see cref="ReadLimits.MaxCount"/>; the server answers anything else with BAD_REQUEST.</param>
    /// <param name="minSequence">Answer once the events of every command up to this sequence (e.g. your last ACK's) are readable (0: at once); TIMEOUT after the server's wait limit.</param>
    /// <param name="key">The stream id (stream reads) or type (type reads); null or empty for the others.</param>
    /// <param name="producerId">The producer of a producer read; 0 for the others.</param>
    /// <param name="cancellationToken">Cancels the wait: a READ already queued is still sent and its answer dropped. A token cancelled on entry queues nothing.</param>
    /// <remarks>Needs a connection of protocol version 2 (<see cref="PipelineClientOptions.ProtocolVersion"/>). Thread-safe; reads may be pipelined.</remarks>
    /// <exception cref="InvalidOperationException">The connection speaks protocol version 1, or it failed.</exception>
    /// <exception cref="ArgumentException">The key is longer than 65535 UTF-8 bytes.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxCount"/> is negative.</exception>
    /// <exception cref="OperationCanceledException">From the task: <paramref name="cancellationToken"/> was cancelled before the READ_END.</exception>
    public Task<ReadResult> ReadAsync(ReadSelector selector, ulong from, int maxCount, ulong minSequence = 0, string? key = null, ulong producerId = 0, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        if (Welcome.Version < FrameHeader.ReadProtocolVersion)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"Reading events needs protocol version {FrameHeader.ReadProtocolVersion}; this connection speaks {Welcome.Version}. Set PipelineClientOptions.ProtocolVersion = 2."));
        }

        byte[] keyBytes = string.IsNullOrEmpty(key) ? [] : Encoding.UTF8.GetBytes(key);
        if (keyBytes.Length > FrameWriter.MaxStringBytes)
        {
            throw new ArgumentException($"A key is at most {FrameWriter.MaxStringBytes} UTF-8 bytes; this one is {keyBytes.Length}.", nameof(key));
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<ReadResult>(cancellationToken);
        }

        ulong requestId = (ulong)Interlocked.Increment(ref _nextRequestId);
        var pending = new PendingRead();
        _reads[requestId] = pending;
        lock (_gate)
        {
            ThrowIfFailed();
            FrameWriter.WriteRead(_outgoing, requestId, selector, from, (uint)maxCount, minSequence, producerId, keyBytes);
        }

        StartFlush();
        return cancellationToken.CanBeCanceled ? WaitForReadAsync(requestId, pending.Done.Task, cancellationToken) : pending.Done.Task;
    }

    /// <summary>Every event from <paramref name="fromPosition"/> on (0 means 1), oldest first; continue from the result's Next.</summary>
    /// <inheritdoc cref="ReadAsync" path="/exception"/>
    public Task<ReadResult> ReadAllForwardAsync(ulong fromPosition, int maxCount, ulong minSequence = 0, CancellationToken cancellationToken = default) =>
        ReadAsync(ReadSelector.AllForward, fromPosition, maxCount, minSequence, null, 0, cancellationToken);

    /// <summary>Every event at <paramref name="fromPosition"/> and before, newest first (<c>ulong.MaxValue</c>: from the head); Next 0 means position 1 was read.</summary>
    /// <inheritdoc cref="ReadAsync" path="/exception"/>
    public Task<ReadResult> ReadAllBackwardAsync(ulong fromPosition, int maxCount, ulong minSequence = 0, CancellationToken cancellationToken = default) =>
        ReadAsync(ReadSelector.AllBackward, fromPosition, maxCount, minSequence, null, 0, cancellationToken);

    /// <summary>One stream's events from <paramref name="fromVersion"/> on (0 means 1); NOT_FOUND when the stream has no event.</summary>
    /// <inheritdoc cref="ReadAsync" path="/exception"/>
    public Task<ReadResult> ReadStreamAsync(string streamId, ulong fromVersion, int maxCount, ulong minSequence = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        return ReadAsync(ReadSelector.Stream, fromVersion, maxCount, minSequence, streamId, 0, cancellationToken);
    }

    /// <summary>The events of one type from <paramref name="fromPosition"/> on (0 means 1), oldest first.</summary>
    /// <inheritdoc cref="ReadAsync" path="/exception"/>
    public Task<ReadResult> ReadTypeAsync(string type, ulong fromPosition, int maxCount, ulong minSequence = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(type);
        return ReadAsync(ReadSelector.Type, fromPosition, maxCount, minSequence, type, 0, cancellationToken);
    }

    /// <summary>The events of one producer from <paramref name="fromPosition"/> on (0 means 1), oldest first.</summary>
    /// <inheritdoc cref="ReadAsync" path="/exception"/>
    public Task<ReadResult> ReadProducerAsync(ulong producerId, ulong fromPosition, int maxCount, ulong minSequence = 0, CancellationToken cancellationToken = default) =>
        ReadAsync(ReadSelector.Producer, fromPosition, maxCount, minSequence, null, producerId, cancellationToken);

    /// <summary>
    /// The events from the first one whose timestamp is at or after <paramref name="fromTime"/> on, oldest first;
    /// continue with <see cref="ReadAllForwardAsync"/> from the result's Next.
    /// </summary>
    /// <param name="fromTime">A local time is converted to UTC; an unspecified one is taken as UTC.</param>
    /// <param name="maxCount">1 to <see cref="ReadLimits.MaxCount"/>.</param>
    /// <param name="minSequence">Answer once the events of every command up to this sequence are readable (0: at once).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <inheritdoc cref="ReadAsync" path="/exception"/>
    public Task<ReadResult> ReadFromTimeAsync(DateTime fromTime, int maxCount, ulong minSequence = 0, CancellationToken cancellationToken = default)
    {
        long ticks = fromTime.Kind == DateTimeKind.Local ? fromTime.ToUniversalTime().Ticks : fromTime.Ticks;
        return ReadAsync(ReadSelector.Time, (ulong)ticks, maxCount, minSequence, null, 0, cancellationToken);
    }

    // As WaitForResultAsync, for a READ: a cancelled wait removes the entry, and the receive loop drops the rest of the answer.
    private async Task<ReadResult> WaitForReadAsync(ulong requestId, Task<ReadResult> answer, CancellationToken cancellationToken)
    {
        try
        {
            return await answer.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _reads.TryRemove(requestId, out _);
            throw;
        }
    }

    // Receive task only: the records of an EVENTS frame join their READ's answer.
    private void OnEvents(ReadOnlySpan<byte> body)
    {
        if (!ServerFrames.TryParseEvents(body, out EventsFrame events))
        {
            throw new InvalidOperationException("Malformed EVENTS from the server.");
        }

        if (!_reads.TryGetValue(events.RequestId, out PendingRead? pending))
        {
            return; // a READ whose caller stopped waiting
        }

        while (events.TryReadNext(out EventRecordFrame r))
        {
            pending.Events.Add(new StoredEvent(r.Position, r.CommandSequence, r.TimestampTicks, r.ProducerId, Encoding.UTF8.GetString(r.Stream),
                r.StreamVersion, Encoding.UTF8.GetString(r.Type), r.SchemaVersion, r.Payload.ToArray()));
        }
    }

    // Receive task only: the READ_END completes the READ.
    private void OnReadEnd(ReadOnlySpan<byte> body)
    {
        if (!ServerFrames.TryParseReadEnd(body, out ReadEndFrame end))
        {
            throw new InvalidOperationException("Malformed READ_END from the server.");
        }

        if (_reads.TryRemove(end.RequestId, out PendingRead? pending))
        {
            pending.Done.TrySetResult(new ReadResult(end.RequestId, end.Status, pending.Events, end.Next, end.HeadPosition, Encoding.UTF8.GetString(end.Message)));
        }
    }
}
