using Pipeline.Application;
using Pipeline.Core.Processing;
using Pipeline.Journal.Snapshots;

namespace Pipeline.Hosting.Engine;

/// <summary>
/// Struct handles on the stage classes, given to the pipeline builder instead of the classes themselves.
/// </summary>
/// <remarks>
/// Generic code over a class type argument is compiled once and shared by every class, so
/// <c>BatchEventProcessor&lt;TEntry, SomeStage&gt;</c> would reach the stage through the interface on every
/// event. Over a struct it is compiled for that struct, and the call to the sealed stage is direct (and inlinable).
/// Each handle forwards only the members its stage implements, so the processor skips the rest.
/// </remarks>
internal static class StageHandle
{
    internal readonly struct Journal<TEntry>(JournalStage<TEntry> stage) : IEventHandler<TEntry>
        where TEntry : CommandEvent
    {
        public void OnEvent(ref TEntry entry, long sequence, bool endOfBatch) => stage.OnEvent(ref entry, sequence, endOfBatch);

        public void OnShutdown() => stage.OnShutdown();
    }

    internal readonly struct Decode<TCommand, TEvent>(DecodeStage<TCommand, TEvent> stage) : IEventHandler<CommandEntry<TCommand, TEvent>>
    {
        public void OnEvent(ref CommandEntry<TCommand, TEvent> entry, long sequence, bool endOfBatch) => stage.OnEvent(ref entry, sequence, endOfBatch);
    }

    internal readonly struct Application<TApp, TState, TCommand, TEvent>(ApplicationStage<TApp, TState, TCommand, TEvent> stage) : IEventHandler<CommandEntry<TCommand, TEvent>>
        where TApp : IApplication<TState, TCommand, TEvent>
        where TState : class, ISnapshotable
    {
        public void OnEvent(ref CommandEntry<TCommand, TEvent> entry, long sequence, bool endOfBatch) => stage.OnEvent(ref entry, sequence, endOfBatch);
    }

    internal readonly struct Events<TCommand, TEvent>(EventStoreStage<TCommand, TEvent> stage) : IEventHandler<CommandEntry<TCommand, TEvent>>
    {
        public void OnEvent(ref CommandEntry<TCommand, TEvent> entry, long sequence, bool endOfBatch) => stage.OnEvent(ref entry, sequence, endOfBatch);

        public void OnShutdown() => stage.OnShutdown();
    }

    internal readonly struct Ack<TEntry>(AckStage<TEntry> stage) : IEventHandler<TEntry>
        where TEntry : CommandEvent
    {
        public void OnEvent(ref TEntry entry, long sequence, bool endOfBatch) => stage.OnEvent(ref entry, sequence, endOfBatch);
    }

    internal readonly struct ReadModel<TCommand, TEvent>(ReadModelStage<TCommand, TEvent> stage) : IEventHandler<CommandEntry<TCommand, TEvent>>
    {
        public void OnEvent(ref CommandEntry<TCommand, TEvent> entry, long sequence, bool endOfBatch) => stage.OnEvent(ref entry, sequence, endOfBatch);
    }
}
