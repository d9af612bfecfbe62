using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Core.Internal;
using Pipeline.Core.Processing;
using Pipeline.Core.Sequencing;

namespace Pipeline.Core;

/// <summary>A running graph of processors over one ring: start it, publish into <see cref="RingBuffer"/>, drain, halt.</summary>
/// <remarks>
/// Lifecycle methods are for one controlling thread. Each processor runs on a dedicated foreground thread that
/// <see cref="Halt"/> joins, so a halted pipeline leaves no thread behind.
/// </remarks>
// Design: _threads is written by Start and read by Halt, both on the controlling thread. _completion is completed
// by the last processor thread to exit (Interlocked count), faulted if a processor halted on a failure.
public sealed class EventPipeline<T> : IDisposable
{
    private static readonly TimeSpan s_disposeTimeout = TimeSpan.FromSeconds(5);
    private readonly IReadOnlyList<IEventProcessor> _processors;
    private readonly Sequence[] _terminalSequences;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Thread[] _threads = [];
    private int _started;
    private int _running;

    internal EventPipeline(RingBuffer<T> ring, IReadOnlyList<IEventProcessor> processors, Sequence[] terminalSequences)
    {
        RingBuffer = ring;
        _processors = processors;
        _terminalSequences = terminalSequences;
    }

    /// <summary>The ring to publish into.</summary>
    public RingBuffer<T> RingBuffer { get; }

    /// <summary>Every processor, in the order they were added.</summary>
    public IReadOnlyList<IEventProcessor> Processors => _processors;

    /// <summary>Completes when every processor thread has exited; faulted if one halted on a handler failure.</summary>
    public Task Completion => _completion.Task;

    /// <summary>The sequence every stage has passed: everything up to it is fully processed.</summary>
    public long ProcessedSequence => Sequence.GetMinimum(_terminalSequences, long.MaxValue);

    /// <summary>Starts one thread per processor. A pipeline starts once.</summary>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            ThrowHelper.ThrowAlreadyStarted();
        }

        var threads = new Thread[_processors.Count];
        _running = threads.Length;
        for (int i = 0; i < threads.Length; i++)
        {
            IEventProcessor processor = _processors[i];
            threads[i] = new Thread(() => RunProcessor(processor))
            {
                Name = "pipeline-" + processor.Name,
                IsBackground = false,
            };
        }

        _threads = threads;
        foreach (Thread thread in threads)
        {
            thread.Start();
        }
    }

    private void RunProcessor(IEventProcessor processor)
    {
        try
        {
            processor.Run();
        }
        finally
        {
            if (Interlocked.Decrement(ref _running) == 0)
            {
                CompleteRun();
            }
        }
    }

    private void CompleteRun()
    {
        var faults = new List<Exception>();
        foreach (IEventProcessor processor in _processors)
        {
            if (processor.Fault is { } fault)
            {
                faults.Add(fault);
            }
        }

        if (faults.Count == 0)
        {
            _completion.TrySetResult();
        }
        else
        {
            _completion.TrySetException(faults);
        }
    }

    /// <summary>
    /// Waits until every event published before the call has passed every stage. Returns false if that did not
    /// happen within <paramref name="timeout"/> or a processor stopped first (see <see cref="Completion"/>).
    /// </summary>
    public bool Drain(TimeSpan timeout)
    {
        Sequencer sequencer = RingBuffer.Sequencer;
        long processed = ProcessedSequence;
        long target = sequencer.GetHighestPublishedSequence(processed + 1, sequencer.Cursor.Value);
        long start = Stopwatch.GetTimestamp();
        var spinner = default(SpinWait);
        while (ProcessedSequence < target)
        {
            if ((timeout != Timeout.InfiniteTimeSpan && Stopwatch.GetElapsedTime(start) >= timeout) || AnyProcessorStopped())
            {
                return ProcessedSequence >= target;
            }

            // Lifecycle code, not the hot path: spin briefly, then sleep 1 ms per look.
            spinner.SpinOnce(sleep1Threshold: 30);
        }

        return true;
    }

    private bool AnyProcessorStopped() =>
        Volatile.Read(ref _started) != 0 && Volatile.Read(ref _running) < _processors.Count;

    /// <summary>
    /// Stops every processor after its current batch and joins the threads. Returns whether all of them exited
    /// within <paramref name="timeout"/> (a handler stuck inside OnEvent keeps its thread).
    /// </summary>
    public bool Halt(TimeSpan timeout)
    {
        foreach (IEventProcessor processor in _processors)
        {
            processor.Halt();
        }

        long start = Stopwatch.GetTimestamp();
        foreach (Thread thread in _threads)
        {
            TimeSpan remaining = timeout - Stopwatch.GetElapsedTime(start);
            if (!thread.Join(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Halts the pipeline (waiting up to 5 s for the threads).</summary>
    public void Dispose() => Halt(s_disposeTimeout);
}
