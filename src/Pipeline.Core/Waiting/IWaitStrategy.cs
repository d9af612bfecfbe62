using System.Threading;
using Pipeline.Core.Sequencing;

namespace Pipeline.Core.Waiting;

/// <summary>How a consumer waits for a sequence to become available: block, sleep, yield or spin.</summary>
/// <remarks>
/// <see cref="WaitFor"/> is called by one consumer thread per barrier; <see cref="SignalAllWhenBlocking"/> by
/// producers after a publish and by processors after they advance, when <see cref="IsBlockingStrategy"/> is true.
/// </remarks>
public interface IWaitStrategy
{
    /// <summary>
    /// Waits until <paramref name="dependents"/> reach <paramref name="sequence"/> and returns their value, which
    /// may be higher. Returns a value below <paramref name="sequence"/> only when the strategy's timeout elapsed.
    /// </summary>
    /// <exception cref="System.OperationCanceledException"><paramref name="token"/> was cancelled (halt).</exception>
    long WaitFor(long sequence, DependentSequenceGroup dependents, CancellationToken token);

    /// <summary>Wakes blocked waiters; cheap when none are waiting.</summary>
    void SignalAllWhenBlocking();

    /// <summary>Whether waiters park and so need <see cref="SignalAllWhenBlocking"/> after every advance.</summary>
    bool IsBlockingStrategy { get; }
}
