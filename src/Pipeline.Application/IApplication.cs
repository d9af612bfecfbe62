using System;
using System.Buffers;
using Pipeline.Journal.Snapshots;

namespace Pipeline.Application;

/// <summary>
/// An event-sourced application hosted by the engine: the commands it accepts, how it decodes them, how it decides
/// (a command becomes a rejection or events) and how events change its state.
/// </summary>
/// <typeparam name="TState">The state the decider reads and the events change; snapshotted by the engine.</typeparam>
/// <typeparam name="TCommand">A decoded command (a struct avoids an allocation per command).</typeparam>
/// <typeparam name="TEvent">An event (a struct avoids an allocation per event).</typeparam>
/// <remarks>
/// <para>
/// The engine calls <see cref="CreateDecoder"/> once per parallel decode handler, and calls each decoder from that
/// handler's thread only. It calls <see cref="Decide"/> and <see cref="Evolve"/> on one thread, in journal order:
/// first <see cref="Decide"/>, then <see cref="Evolve"/> for each event it emitted, before the next command.
/// </para>
/// <para>
/// Determinism: a replay of the journal must decide the same way, so neither method may read a clock, a random
/// number, the thread's timing or anything outside the state, the command and the context. Time is
/// <see cref="CommandContext.TimestampTicks"/>, the journal's time.
/// </para>
/// </remarks>
public interface IApplication<TState, TCommand, TEvent>
    where TState : class, ISnapshotable
{
    /// <summary>The command types the application accepts (anything else is INVALID before the journal).</summary>
    CommandTypes Commands { get; }

    /// <summary>A new, empty state (before any command; also the state a snapshot is restored into).</summary>
    TState CreateState();

    /// <summary>A stateless decoder of command payloads; one per parallel decode handler.</summary>
    /// <param name="state">The state the decoder may read hints from concurrently (e.g. a thread-safe id table); it must not depend on them for correctness.</param>
    ICommandDecoder<TCommand> CreateDecoder(TState state);

    /// <summary>
    /// Decides <paramref name="command"/> against <paramref name="state"/>: returns null and emits one or more events
    /// into <paramref name="events"/> when accepted, or returns the reject reason code (and emits nothing).
    /// </summary>
    /// <remarks>Must not change <paramref name="state"/>: <see cref="Evolve"/> does, for each emitted event.</remarks>
    string? Decide(TState state, in TCommand command, in CommandContext context, EventSink<TEvent> events);

    /// <summary>Applies one event to <paramref name="state"/> (during a decision, and when replaying).</summary>
    void Evolve(TState state, in TEvent @event, in EventContext context);

    /// <summary>The stream the event belongs to and its stored type.</summary>
    /// <remarks>Called for every stored event: return cached instances, do not allocate.</remarks>
    EventHeader Describe(in TEvent @event);

    /// <summary>Writes the event's stored payload (its schema is <see cref="EventHeader.Type"/>'s version).</summary>
    void WritePayload(in TEvent @event, IBufferWriter<byte> payload);

    /// <summary>The read side: a read model fed with every accepted event and the queries that read it.</summary>
    /// <param name="state">The state after recovery's snapshot load (before the journal tail is replayed), to seed the read model.</param>
    /// <param name="services">What the engine offers the read side (the event store's reads, for time travel).</param>
    ReadSide<TEvent> CreateReadSide(TState state, ApplicationServices services);
}
