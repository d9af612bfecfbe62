using System;
using System.Runtime.CompilerServices;
using System.Threading;
using Pipeline.Core.Internal;
using Pipeline.Core.Sequencing;

namespace Pipeline.Core.Processing;

/// <summary>
/// Runs one handler over a ring in sequence order, in batches: everything available at once (up to
/// <c>maxBatchSize</c>) is handed over before the processor's sequence advances, once, at the end of the batch.
/// </summary>
/// <remarks>
/// With a partition (<c>index</c> of <c>count</c>) the handler sees only the sequences congruent to its index,
/// so <c>count</c> processors split a stream with no coordination between them; the processor's sequence still
/// advances over every sequence so that later stages can follow it. A handler exception is passed with the
/// event to the <see cref="IExceptionHandler{T}"/>; under Continue the event counts as processed (and reported),
/// under Halt the processor stops before it.
/// </remarks>
// Design: _sequence is written only by the thread inside Run (release: the handler's writes to entries are
// visible to a later stage that reads it). _running is a cold flag written by Run's thread and read by others.
// _fault is written by Run's thread before _running goes to 0 and read by the lifecycle owner after that.
public sealed class BatchEventProcessor<T, THandler> : IEventProcessor
    where THandler : IEventHandler<T>
{
    private readonly RingBuffer<T> _ring;
    private readonly SequenceBarrier _barrier;
    private readonly IExceptionHandler<T> _exceptionHandler;
    private readonly Sequence _sequence = new();
    private readonly int _maxBatchSize;
    private readonly int _partitionIndex;
    private readonly int _partitionCount;
    private readonly bool _signalAfterBatch;
    // Retries of a claimed but unpublished slot (multi-producer) that look again at once, before backing off.
    private const int GapRetriesBeforeBackoff = 100;

    private readonly bool _callBatchStart;
    private THandler _handler;
    private SpinWait _gapWait;
    private int _gapRetries;
    private volatile int _running;
    private volatile Exception? _fault;

    /// <summary>Creates a processor that runs <paramref name="handler"/> behind <paramref name="barrier"/>.</summary>
    public BatchEventProcessor(
        RingBuffer<T> ring,
        SequenceBarrier barrier,
        THandler handler,
        IExceptionHandler<T> exceptionHandler,
        string name,
        int maxBatchSize = int.MaxValue,
        int partitionIndex = 0,
        int partitionCount = 1)
    {
        ArgumentNullException.ThrowIfNull(ring);
        ArgumentNullException.ThrowIfNull(barrier);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(exceptionHandler);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(partitionCount);
        ArgumentOutOfRangeException.ThrowIfNegative(partitionIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(partitionIndex, partitionCount);
        _ring = ring;
        _barrier = barrier;
        _handler = handler;
        _exceptionHandler = exceptionHandler;
        Name = name;
        _maxBatchSize = maxBatchSize;
        _partitionIndex = partitionIndex;
        _partitionCount = partitionCount;
        _signalAfterBatch = ring.Sequencer.WaitStrategy.IsBlockingStrategy;
        _callBatchStart = HandlerInterface.ImplementsBatchStart<T>(handler.GetType());
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public Sequence Sequence => _sequence;

    /// <inheritdoc />
    public bool IsRunning => _running != 0;

    /// <inheritdoc />
    public Exception? Fault => _fault;

    /// <summary>The handler (a copy, for struct handlers).</summary>
    public THandler Handler => _handler;

    /// <inheritdoc />
    public void Halt() => _barrier.Alert();

    /// <inheritdoc />
    public void Run()
    {
        if (Interlocked.CompareExchange(ref _running, 1, 0) != 0)
        {
            ThrowHelper.ThrowAlreadyRunning(Name);
        }

        try
        {
            // The alert is not reset here: a Halt that lands before the thread gets going must still stop it.
            NotifyStart();
            try
            {
                if (_partitionCount == 1)
                {
                    ProcessEvents();
                }
                else
                {
                    ProcessPartition();
                }
            }
            finally
            {
                NotifyShutdown();
            }
        }
        finally
        {
            _running = 0;
        }
    }

    private void ProcessEvents()
    {
        long next = _sequence.Value + 1;
        while (true)
        {
            long available;
            try
            {
                available = _barrier.WaitFor(next);
            }
            catch (OperationCanceledException) when (_barrier.IsAlerted)
            {
                return;
            }

            if (available < next)
            {
                HandleShortWait(next);
                continue;
            }

            long end = Math.Min(available, next - 1 + _maxBatchSize);
            try
            {
                if (_callBatchStart)
                {
                    _handler.OnBatchStart(end - next + 1, available - next + 1);
                }

                while (next <= end)
                {
                    _handler.OnEvent(ref _ring[next], next, next == end);
                    next++;
                }

                _sequence.SetValue(end);
                if (_gapRetries != 0)
                {
                    ResetGapWaitSlow();
                }
            }
            catch (Exception ex)
            {
                // next is the failed event: everything before it in this batch was handled.
                if (!OnFailure(ex, next))
                {
                    _sequence.SetValue(next - 1);
                    SignalProgress(); // later stages parked on us must see the events before the failure
                    return;
                }

                _sequence.SetValue(next);
                next++;
            }

            if (_signalAfterBatch)
            {
                _ring.Sequencer.WaitStrategy.SignalAllWhenBlocking();
            }
        }
    }

    private void ProcessPartition()
    {
        long next = _sequence.Value + 1;
        long count = _partitionCount;
        while (true)
        {
            long available;
            try
            {
                available = _barrier.WaitFor(next);
            }
            catch (OperationCanceledException) when (_barrier.IsAlerted)
            {
                return;
            }

            if (available < next)
            {
                HandleShortWait(next);
                continue;
            }

            long end = Math.Min(available, next - 1 + _maxBatchSize);
            long current = next + ((((_partitionIndex - next) % count) + count) % count);
            try
            {
                if (_callBatchStart && current <= end)
                {
                    _handler.OnBatchStart(((end - current) / count) + 1, ((available - current) / count) + 1);
                }

                while (current <= end)
                {
                    _handler.OnEvent(ref _ring[current], current, current + count > end);
                    current += count;
                }

                _sequence.SetValue(end);
                if (_gapRetries != 0)
                {
                    ResetGapWaitSlow();
                }

                next = end + 1;
            }
            catch (Exception ex)
            {
                if (!OnFailure(ex, current))
                {
                    _sequence.SetValue(current - 1);
                    SignalProgress(); // later stages parked on us must see the events before the failure
                    return;
                }

                _sequence.SetValue(current);
                next = current + 1;
            }

            if (_signalAfterBatch)
            {
                _ring.Sequencer.WaitStrategy.SignalAllWhenBlocking();
            }
        }
    }

    private void SignalProgress()
    {
        if (_signalAfterBatch)
        {
            _ring.Sequencer.WaitStrategy.SignalAllWhenBlocking();
        }
    }

    // Returns whether processing continues.
    private bool OnFailure(Exception exception, long sequence)
    {
        FailureAction action;
        try
        {
            action = _exceptionHandler.OnEventException(exception, sequence, ref _ring[sequence], Name);
        }
#pragma warning disable CA1031 // An exception handler that throws must not kill the thread silently: halt with both.
        catch (Exception handlerException)
#pragma warning restore CA1031
        {
            _fault = new AggregateException(exception, handlerException);
            return false;
        }

        if (action == FailureAction.Halt)
        {
            _fault = new HandlerFaultException(Name, sequence, exception);
            return false;
        }

        return true;
    }

    // The barrier returned less than asked for: either the wait strategy timed out (the dependencies are behind), or
    // on a multi-producer ring a producer has claimed the next slot but not yet published it. That gap usually
    // closes within a few entry writes, so the first GapRetriesBeforeBackoff retries look again at once. A gap that
    // outlasts them is a producer preempted between claim and publish (more threads than cores), which holds it for
    // a time slice: then spin and yield so that it gets a core back, but never sleep, since a 1 ms sleep outlasts the
    // gap many times (the 2-producer rate tripled without it; docs/perf.md, issue 13).
    private void HandleShortWait(long next)
    {
        if (_barrier.Cursor < next)
        {
            NotifyTimeout(next - 1);
            return;
        }

        if (++_gapRetries > GapRetriesBeforeBackoff)
        {
            _gapWait.SpinOnce(sleep1Threshold: -1);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ResetGapWaitSlow()
    {
        _gapRetries = 0;
        _gapWait.Reset();
    }

    private void NotifyTimeout(long sequence)
    {
        try
        {
            _handler.OnTimeout(sequence);
        }
#pragma warning disable CA1031 // Reported to the exception handler, like every handler failure.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _exceptionHandler.OnLifecycleException(ex, Name);
        }
    }

    private void NotifyStart()
    {
        try
        {
            _handler.OnStart();
        }
#pragma warning disable CA1031 // Reported to the exception handler, like every handler failure.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _exceptionHandler.OnLifecycleException(ex, Name);
        }
    }

    private void NotifyShutdown()
    {
        try
        {
            _handler.OnShutdown();
        }
#pragma warning disable CA1031 // Reported to the exception handler, like every handler failure.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _exceptionHandler.OnLifecycleException(ex, Name);
        }
    }
}
