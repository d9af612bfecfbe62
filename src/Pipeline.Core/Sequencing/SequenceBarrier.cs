using System;
using System.Runtime.CompilerServices;
using System.Threading;
using Pipeline.Core.Internal;
using Pipeline.Core.Waiting;

namespace Pipeline.Core.Sequencing;

/// <summary>
/// What a consumer waits on: the producer cursor and the sequences of the stages before it. A consumer sees a
/// sequence only once it is published and every earlier stage has finished with it.
/// </summary>
/// <remarks>
/// <see cref="WaitFor"/> is called by the one consumer thread that owns the barrier; <see cref="Alert"/> and
/// <see cref="ResetAlert"/> by the thread that controls its lifecycle.
/// </remarks>
// Design: the alert is a CancellationTokenSource. Alert() cancels it, which wakes a parked waiter through the
// registration made in ResetAlert (it signals the wait strategy). _cts is replaced only by ResetAlert, which the
// lifecycle owner calls while the consumer is not running.
public sealed class SequenceBarrier : IDisposable
{
    private readonly IWaitStrategy _waitStrategy;

    // Null for a single producer, whose cursor is only ever moved past published slots: nothing to narrow.
    private readonly MultiProducerSequencer? _multiProducer;
    private readonly DependentSequenceGroup _dependents;
    private CancellationTokenSource _cts = new();
    private CancellationTokenRegistration _registration;

    internal SequenceBarrier(Sequencer sequencer, Sequence[] dependents)
    {
        ArgumentNullException.ThrowIfNull(sequencer);
        ArgumentNullException.ThrowIfNull(dependents);
        _multiProducer = sequencer as MultiProducerSequencer;
        _waitStrategy = sequencer.WaitStrategy;
        _dependents = new DependentSequenceGroup(sequencer.Cursor, dependents);
        _registration = RegisterWakeUp(_cts.Token);
    }

    /// <summary>The lowest sequence among the dependencies (how far this consumer may go).</summary>
    public long Cursor => _dependents.Value;

    /// <summary>Whether <see cref="Alert"/> was called since the last <see cref="ResetAlert"/>.</summary>
    public bool IsAlerted => _cts.IsCancellationRequested;

    /// <summary>Cancelled when the barrier is alerted.</summary>
    public CancellationToken CancellationToken => _cts.Token;

    internal DependentSequenceGroup Dependents => _dependents;

    /// <summary>
    /// Waits until <paramref name="sequence"/> is available and returns the highest available sequence, which
    /// may be higher (a batch). Returns a lower value if the wait strategy timed out, or, on a multi-producer ring,
    /// if <paramref name="sequence"/> is claimed but not yet published (then <see cref="Cursor"/> has reached it).
    /// </summary>
    /// <exception cref="OperationCanceledException">The barrier was alerted.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long WaitFor(long sequence)
    {
        if (_cts.IsCancellationRequested)
        {
            ThrowHelper.ThrowAlerted(_cts.Token);
        }

        // Under load the sequence is usually there already: check inline, and reach the wait strategy (an
        // interface call) only when it is not.
        long available = _dependents.Value;
        if (available < sequence)
        {
            available = WaitSlow(sequence);
            if (available < sequence)
            {
                return available;
            }
        }

        return _multiProducer is null ? available : _multiProducer.GetHighestPublishedSequence(sequence, available);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private long WaitSlow(long sequence) => _waitStrategy.WaitFor(sequence, _dependents, _cts.Token);

    /// <summary>Wakes the consumer and makes its current and future waits throw until reset.</summary>
    public void Alert() => _cts.Cancel();

    /// <summary>Clears the alert so that the consumer can run again.</summary>
    public void ResetAlert()
    {
        if (!_cts.IsCancellationRequested)
        {
            return;
        }

        _registration.Dispose();
        _cts.Dispose();
        _cts = new CancellationTokenSource();
        _registration = RegisterWakeUp(_cts.Token);
    }

    private CancellationTokenRegistration RegisterWakeUp(CancellationToken token) =>
        token.UnsafeRegister(static s => ((IWaitStrategy)s!).SignalAllWhenBlocking(), _waitStrategy);

    /// <inheritdoc />
    public void Dispose()
    {
        _registration.Dispose();
        _cts.Dispose();
    }
}
