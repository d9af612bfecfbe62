using System;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Protocol;

namespace Pipeline.Client;

// FETCH (protocol version 3): answered by EVENTS and READ_END, as a READ, so it shares the READ's bookkeeping (_reads).
public sealed partial class PipelineClient
{
    /// <summary>
    /// Sends one FETCH, a filtered long-poll read by position, and collects its answer. When no matching event is
    /// visible at or after <see cref="FetchRequest.From"/>, the server waits up to <see cref="FetchRequest.MaxWait"/> for
    /// one. The status is reported in the result, never thrown.
    /// </summary>
    /// <remarks>Needs protocol version 3. Thread-safe; fetches may be pipelined with everything else. A lost connection fails the fetch (it is not re-sent).</remarks>
    /// <exception cref="InvalidOperationException">The connection speaks protocol version 1 or 2, or it failed.</exception>
    /// <exception cref="ArgumentOutOfRangeException">MaxCount, MaxBytes or MaxWait is outside its range (nothing is sent).</exception>
    /// <exception cref="OperationCanceledException">From the task: <paramref name="cancellationToken"/> was cancelled before the READ_END.</exception>
    public async Task<FetchResult> FetchAsync(FetchRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequireConsumerProtocol("Fetches");
        uint maxWaitMs = request.Validate();
        cancellationToken.ThrowIfCancellationRequested();

        ulong requestId = (ulong)Interlocked.Increment(ref _nextRequestId);
        var pending = new PendingRead();
        _reads[requestId] = pending;
        lock (_gate)
        {
            if (_failure is not null)
            {
                _reads.TryRemove(requestId, out _);
                ThrowIfFailed();
            }

            FrameWriter.WriteFetch(_outgoing, requestId, request.From, (uint)request.MaxCount, (uint)request.MaxBytes, maxWaitMs, request.Filter);
        }

        StartFlush();
        ReadResult answer = await WaitForReadAsync(requestId, pending.Done.Task, cancellationToken).ConfigureAwait(false);
        return new FetchResult(answer.RequestId, answer.Status, answer.Events, answer.Next, answer.HeadPosition, answer.Message);
    }
}
