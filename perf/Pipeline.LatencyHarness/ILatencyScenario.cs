using System;

namespace Pipeline.LatencyHarness;

/// <summary>
/// One topology and wait strategy under the paced producer. The harness calls <see cref="Start"/> once, then
/// <see cref="Publish"/> from its producer thread at the scheduled rate, then disposes the scenario.
/// </summary>
internal interface ILatencyScenario : IDisposable
{
    /// <summary>The scenario's name, <c>Topology_Variant</c>.</summary>
    string Name { get; }

    /// <summary>Who spins: the threads of the scenario and how they wait (for the report).</summary>
    string Threads { get; }

    /// <summary>Starts the consumer(s), which record into <paramref name="recorder"/> on their own thread.</summary>
    void Start(LatencyRecorder recorder);

    /// <summary>Takes the send timestamp and publishes one event meant for <paramref name="intendedTicks"/>.</summary>
    void Publish(long intendedTicks);
}
