using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Core.Processing;

namespace Pipeline.Core.Tests;

/// <summary>
/// A handler that records what the processor did with it: events (checked for contiguity), batches, end-of-batch
/// flags and lifecycle calls. With a gate it blocks inside the event <c>blockAt</c> until the gate opens (bounded).
/// </summary>
/// <remarks>
/// The lists are written on the processor thread; read them only after the processor's sequence passed the events
/// (Drain) or after Halt joined the thread.
/// </remarks>
internal sealed class RecordingHandler : IEventHandler<TestEvent>
{
    private readonly ManualResetEventSlim? _gate;
    private readonly long _blockAt;
    private readonly List<(long BatchSize, long AvailableCount)> _batches = [];
    private readonly List<long> _endOfBatchSequences = [];
    private int _startCalls;
    private int _shutdownCalls;
    private long _timeoutCalls;
    private volatile bool _gateTimedOut;

    public RecordingHandler(ManualResetEventSlim? gate = null, long blockAt = -1)
    {
        _gate = gate;
        _blockAt = blockAt;
    }

    public ContiguityRecord Record { get; } = new();

    /// <summary>Completes when the handler reaches the gated event (before it blocks on the gate).</summary>
    public TaskCompletionSource Blocked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when OnShutdown was called.</summary>
    public TaskCompletionSource ShutDown { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with the sequence passed to the first OnTimeout call.</summary>
    public TaskCompletionSource<long> TimedOut { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool GateTimedOut => _gateTimedOut;

    public int StartCalls => Volatile.Read(ref _startCalls);

    public int ShutdownCalls => Volatile.Read(ref _shutdownCalls);

    public long TimeoutCalls => Interlocked.Read(ref _timeoutCalls);

    public string? StartThreadName => StartThread?.Name;

    /// <summary>The processor thread, captured in OnStart.</summary>
    public Thread? StartThread { get; private set; }

    public long FirstEventBeforeStart { get; private set; } = -1;

    public IReadOnlyList<(long BatchSize, long AvailableCount)> Batches => _batches;

    public IReadOnlyList<long> EndOfBatchSequences => _endOfBatchSequences;

    public void OnEvent(ref TestEvent entry, long sequence, bool endOfBatch)
    {
        if (StartCalls == 0 && FirstEventBeforeStart < 0)
        {
            FirstEventBeforeStart = sequence;
        }

        if (sequence == _blockAt && _gate is not null)
        {
            Blocked.TrySetResult();
            if (!_gate.Wait(TestTimeouts.Default))
            {
                _gateTimedOut = true;
            }
        }

        Record.Observe(sequence, entry.Value);
        entry.Consumed = sequence;
        if (endOfBatch)
        {
            _endOfBatchSequences.Add(sequence);
        }
    }

    public void OnBatchStart(long batchSize, long availableCount) => _batches.Add((batchSize, availableCount));

    public void OnStart()
    {
        StartThread = Thread.CurrentThread;
        Interlocked.Increment(ref _startCalls);
    }

    public void OnShutdown()
    {
        Interlocked.Increment(ref _shutdownCalls);
        ShutDown.TrySetResult();
    }

    public void OnTimeout(long sequence)
    {
        Interlocked.Increment(ref _timeoutCalls);
        TimedOut.TrySetResult(sequence);
    }
}
