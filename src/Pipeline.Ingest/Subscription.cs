using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.EventStore;
using Pipeline.Protocol;

namespace Pipeline.Ingest;

/// <summary>One open push subscription: its position, credits and the loop that serves it.</summary>
// Design: the loop (RunAsync, one async flow on the thread pool) alone owns the position (_next), the frame builder
// and the pending waits. _credits (outstanding credits) is raised by the connection's reader (TryAddCredits, a CAS
// loop that keeps it at most MaxCredits) and lowered by the loop after each PUSH (Interlocked); the loop reads it
// once per batch, and a stale low value only delays a batch until _wake. _wake (auto-reset) is set by every CREDIT
// and by RequestEnd. The end request (_endStatus, _endMessage) is written once, under _gate, by whoever ends the
// subscription first (UNSUBSCRIBE, a bad CREDIT, a reset, the connection's close); then _cts is cancelled outside
// any registry lock (cancellation callbacks may run the loop's continuation inline). Finish (under the registry's
// Gate, once: _finished) unregisters the subscription, frees its consumer and queues its SUB_END; the loop calls it
// at its end, and a closing connection calls it at once so the consumer is free without waiting for the loop.
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "_cts has no timer and no linked token: nothing to release, and a late RequestEnd may still cancel it.")]
internal sealed class Subscription
{
    /// <summary>An end without SUB_END: the connection closed.</summary>
    public const SubscriptionEndStatus ConnectionClosedStatus = (SubscriptionEndStatus)255;

    private const int NoEnd = -1;
    private readonly SubscriptionService _service;
    private readonly EventFilter _filter;
    private readonly AsyncAutoResetSignal _wake = new();
    private readonly CancellationTokenSource _cts = new();
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _credits;
    private int _endStatus = NoEnd;
    private string _endMessage = string.Empty;
    private bool _finished;
    private long _next;
    private Task? _pendingWake;
    private Task? _pendingHead;
    private long _pendingHeadTarget;
    private Task? _pendingDelay;

    public Subscription(SubscriptionService service, IngestConnection connection, ulong id, long start, uint credits, EventFilter filter, string? consumer)
    {
        _service = service;
        Connection = connection;
        Id = id;
        _next = start;
        _credits = credits;
        _filter = filter;
        Consumer = consumer;
    }

    public IngestConnection Connection { get; }

    public ulong Id { get; }

    public string? Consumer { get; }

    /// <summary>Set under the registry's Gate when the subscription is registered, before <see cref="Start"/>.</summary>
    public SubscriptionService.ConnectionSubscriptions? Registry { get; set; }

    /// <summary>Completes when the subscription has finished (its SUB_END, if any, is queued; its consumer is free).</summary>
    public Task Completion => _completion.Task;

    // On the subscription thread; every await below resumes there (ConfigureAwait(true): the scheduler is captured).
    public void Start() => _ = Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.DenyChildAttach, SubscriptionScheduler.Shared).Unwrap();

    /// <summary>Adds credits unless the outstanding credits would pass <see cref="ConsumerLimits.MaxCredits"/>; wakes the loop.</summary>
    public bool TryAddCredits(uint credits, out long outstanding)
    {
        long current = Volatile.Read(ref _credits);
        while (true)
        {
            outstanding = current + credits;
            if (outstanding > ConsumerLimits.MaxCredits)
            {
                return false;
            }

            long seen = Interlocked.CompareExchange(ref _credits, outstanding, current);
            if (seen == current)
            {
                _wake.Set();
                return true;
            }

            current = seen;
        }
    }

    /// <summary>Asks the loop to end with <paramref name="status"/> (the first request wins). Never call it under a registry Gate.</summary>
    public void RequestEnd(SubscriptionEndStatus status, string message)
    {
        lock (_gate)
        {
            if (_endStatus != NoEnd || _finished)
            {
                return;
            }

            _endStatus = (int)status;
            _endMessage = message;
        }

        _cts.Cancel();
        _wake.Set();
    }

    /// <summary>
    /// Unregisters the subscription, frees its consumer and, for a <paramref name="status"/> other than null and
    /// <see cref="ConnectionClosedStatus"/>, queues its SUB_END; once (later calls do nothing).
    /// </summary>
    public void Finish(SubscriptionEndStatus? status, long next, string message)
    {
        SubscriptionService.ConnectionSubscriptions? registry = Registry;
        if (registry is null)
        {
            return;
        }

        lock (registry.Gate)
        {
            lock (_gate)
            {
                if (_finished)
                {
                    return;
                }

                _finished = true;
            }

            registry.Open.Remove(Id);
            _service.Release(this);
            if (status is { } end && end != ConnectionClosedStatus)
            {
                Connection.SendSubEnd(Id, end, end is SubscriptionEndStatus.ConsumerNotFound ? 0 : (ulong)next, message);
            }
        }

        _completion.TrySetResult();
    }

    private async Task RunAsync()
    {
        SubscriptionEndStatus? status = null;
        string message = string.Empty;
        CancellationToken token = _cts.Token;
        try
        {
            if (_next == 0 && !ResolveCheckpoint(out status, out message))
            {
                return;
            }

            Connection.SendSubscribed(Id, (ulong)_next, (ulong)_service.Reader.Head.Position);
            (status, message) = await ServeAsync(token).ConfigureAwait(true);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            (status, message) = EndRequest();
        }
#pragma warning disable CA1031 // a failed store read ends this subscription only, with STORE_ERROR; the connection goes on
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.SubscriptionFailed(_service.Logger, ex, Connection.Id, Id, _next);
            (status, message) = (SubscriptionEndStatus.StoreError, ex.Message);
        }
        finally
        {
            // The token source is not disposed: it has no timer and no linked token, and a late RequestEnd may still cancel it.
            Finish(status, _next, message);
        }
    }

    // Start CHECKPOINT: the consumer's checkpoint + 1, or the refusal (CONSUMER_NOT_FOUND; STORE_ERROR when the store failed).
    private bool ResolveCheckpoint(out SubscriptionEndStatus? status, out string message)
    {
        status = null;
        message = string.Empty;
        long checkpoint = 0;
        bool found;
        try
        {
            found = _service.Checkpoints?.TryGetCheckpoint(Consumer!, out checkpoint) ?? false;
        }
#pragma warning disable CA1031 // the checkpoint store's failure refuses this SUBSCRIBE only
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.SubscriptionFailed(_service.Logger, ex, Connection.Id, Id, 0);
            status = SubscriptionEndStatus.StoreError;
            message = "the checkpoint could not be read: " + ex.Message;
            return false;
        }

        if (!found)
        {
            status = SubscriptionEndStatus.ConsumerNotFound;
            message = string.Create(CultureInfo.InvariantCulture, $"the consumer '{Consumer}' has no checkpoint");
            Log.SubscriptionRequestRefused(_service.Logger, Connection.Id, Id, status.Value, message);
            return false;
        }

        _next = checkpoint + 1;
        return true;
    }

    // The one read path: read forward from _next while there are credits and room, then wait at the head.
    private async Task<(SubscriptionEndStatus? Status, string Message)> ServeAsync(CancellationToken token)
    {
        SubscriptionOptions options = _service.Options;
        EventStoreReader reader = _service.Reader;
        TimeProvider time = _service.Time;
        using var builder = new EventsFrameBuilder(Connection.MaxFrameLength, FrameKind.Push);
        var sink = new FilteredRecordSink(builder, _filter, Math.Min(options.FrameBytes, Connection.MaxFrameLength));
        long lastSent = time.GetTimestamp();
        bool caughtUp = false;
        while (!token.IsCancellationRequested)
        {
            long head = reader.Head.Position;
            long credits = Volatile.Read(ref _credits);
            if (_next <= head && credits > 0)
            {
                if (!Connection.HasOutputRoom)
                {
                    // A subscriber that does not read stalls here, holding one frame's memory, and reads nothing.
                    if (!await Connection.WaitForOutputRoomAsync(token).ConfigureAwait(true))
                    {
                        return (ConnectionClosedStatus, string.Empty);
                    }

                    continue;
                }

                builder.Reset(Id);
                sink.Start((int)Math.Min(credits, int.MaxValue));
                EventReadResult read = _filter.Kind == EventFilterKind.Producer
                    ? reader.ReadProducer(_filter.ProducerId, _next, (int)Math.Min(credits, options.MaxExaminedPerBatch), sink)
                    : reader.ReadForward(_next, options.MaxExaminedPerBatch, sink);
                if (builder.Count > 0)
                {
                    if (!await Connection.SendPushAsync(builder, token).ConfigureAwait(true))
                    {
                        return (ConnectionClosedStatus, string.Empty);
                    }

                    Interlocked.Add(ref _credits, -builder.Count);
                    _service.CountPushed(builder.Count);
                    lastSent = time.GetTimestamp();
                }

                _next = read.Next;
                if (sink.TooLarge)
                {
                    return (SubscriptionEndStatus.TooLarge, string.Create(CultureInfo.InvariantCulture,
                        $"the event at {read.Next} does not fit a frame of {Connection.MaxFrameLength} bytes"));
                }

                // Let the other subscriptions have the store and the thread (back of the subscription thread's queue).
                await Task.Yield();
                continue;
            }

            if (_next > head && !caughtUp)
            {
                caughtUp = true;
                Connection.SendCaughtUp(Id, (ulong)(_next - 1));
                lastSent = time.GetTimestamp();
            }

            TimeSpan idle = time.GetElapsedTime(lastSent);
            if (idle >= options.HeartbeatInterval)
            {
                if (Connection.HasOutputRoom)
                {
                    Connection.SendHeartbeat(Id, (ulong)(_next - 1), (ulong)head);
                }

                lastSent = time.GetTimestamp();
                continue;
            }

            await WaitAsync(_next > head, options.HeartbeatInterval - idle, token).ConfigureAwait(true);
        }

        return EndRequest();
    }

    // Waits for the head to reach _next (when waitForHead), a CREDIT or an end (_wake), or the heartbeat's time. Each
    // wait is kept until it completes, so a subscription has at most one of each pending: nothing piles up.
    private async Task WaitAsync(bool waitForHead, TimeSpan untilHeartbeat, CancellationToken token)
    {
        _pendingWake ??= _wake.WaitAsync().AsTask();
        _pendingDelay ??= Task.Delay(untilHeartbeat, _service.Time, token);
        Task any;
        if (waitForHead)
        {
            if (_pendingHead is null || _pendingHeadTarget != _next)
            {
                _pendingHead = _service.Reader.Head.WaitForAsync(_next, Timeout.InfiniteTimeSpan, token).AsTask();
                _pendingHeadTarget = _next;
            }

            any = Task.WhenAny(_pendingWake, _pendingHead, _pendingDelay);
        }
        else
        {
            any = Task.WhenAny(_pendingWake, _pendingDelay);
        }

        // Back on the subscription thread, never inline on the thread that completed the wait (a CREDIT's reader, the
        // engine's visibility thread, a cancellation).
        await any.ConfigureAwait(ConfigureAwaitOptions.ForceYielding | ConfigureAwaitOptions.ContinueOnCapturedContext);
        if (_pendingWake.IsCompleted)
        {
            _pendingWake = null;
        }

        if (_pendingHead is { IsCompleted: true })
        {
            _pendingHead = null;
        }

        if (_pendingDelay.IsCompleted)
        {
            _pendingDelay = null;
        }
    }

    private (SubscriptionEndStatus? Status, string Message) EndRequest()
    {
        lock (_gate)
        {
            return _endStatus == NoEnd ? (null, string.Empty) : ((SubscriptionEndStatus)_endStatus, _endMessage);
        }
    }
}
