using Pipeline.Core.Processing;

namespace Pipeline.Server.Engine;

/// <summary>
/// Struct handles on the stage classes, given to the pipeline builder instead of the classes themselves.
/// </summary>
/// <remarks>
/// Generic code over a class type argument is compiled once and shared by every class, so
/// <c>BatchEventProcessor&lt;CommandEvent, LedgerStage&gt;</c> would reach the stage through the interface on every
/// event. Over a struct it is compiled for that struct, and the call to the sealed stage is direct (and inlinable).
/// Each handle forwards only the members its stage implements, so the processor skips the rest.
/// </remarks>
internal static class StageHandle
{
    internal readonly struct Journal(JournalStage stage) : IEventHandler<CommandEvent>
    {
        public void OnEvent(ref CommandEvent entry, long sequence, bool endOfBatch) => stage.OnEvent(ref entry, sequence, endOfBatch);

        public void OnShutdown() => stage.OnShutdown();
    }

    internal readonly struct Decode(DecodeStage stage) : IEventHandler<CommandEvent>
    {
        public void OnEvent(ref CommandEvent entry, long sequence, bool endOfBatch) => stage.OnEvent(ref entry, sequence, endOfBatch);
    }

    internal readonly struct Ledger(LedgerStage stage) : IEventHandler<CommandEvent>
    {
        public void OnEvent(ref CommandEvent entry, long sequence, bool endOfBatch) => stage.OnEvent(ref entry, sequence, endOfBatch);
    }

    internal readonly struct Ack(AckStage stage) : IEventHandler<CommandEvent>
    {
        public void OnEvent(ref CommandEvent entry, long sequence, bool endOfBatch) => stage.OnEvent(ref entry, sequence, endOfBatch);
    }

    internal readonly struct ReadModel(ReadModelStage stage) : IEventHandler<CommandEvent>
    {
        public void OnEvent(ref CommandEvent entry, long sequence, bool endOfBatch) => stage.OnEvent(ref entry, sequence, endOfBatch);
    }
}
