using System.Threading;

namespace Pipeline.Core.Sequencing;

// How a producer waits for capacity when the ring is full: spin for a moment (the consumer is usually just
// behind), then yield, then sleep so that a producer stuck behind a stalled consumer costs almost no CPU.
internal struct ProducerBackoff
{
    private const int SpinTries = 50;
    private const int YieldTries = 1000;
    private int _attempt;

    public void Wait()
    {
        if (_attempt < SpinTries)
        {
            Thread.SpinWait(4);
        }
        else if (_attempt < YieldTries)
        {
            Thread.Yield();
        }
        else
        {
            Thread.Sleep(1);
        }

        _attempt++;
    }
}
