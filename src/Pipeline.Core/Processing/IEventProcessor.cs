using System;
using Pipeline.Core.Sequencing;

namespace Pipeline.Core.Processing;

/// <summary>A consumer loop that runs on its own thread and advances its own <see cref="Sequence"/>.</summary>
public interface IEventProcessor
{
    /// <summary>The name used for the thread and in failure reports.</summary>
    string Name { get; }

    /// <summary>The highest sequence this processor has finished with.</summary>
    Sequence Sequence { get; }

    /// <summary>Whether <see cref="Run"/> is executing.</summary>
    bool IsRunning { get; }

    /// <summary>The failure that halted the processor under a Halt policy, if any.</summary>
    Exception? Fault { get; }

    /// <summary>Runs the loop on the calling thread until <see cref="Halt"/> or a halting failure.</summary>
    void Run();

    /// <summary>Asks the loop to stop after the current batch (the events already handed to the handler); returns at once.</summary>
    void Halt();
}
