namespace Pipeline.Application;

/// <summary>What the engine tells the decider about a command: where it is in the journal and who sent it.</summary>
/// <remarks>No clock and no randomness: replaying the journal gives the decider the same context.</remarks>
/// <param name="Sequence">The command's global sequence in the journal.</param>
/// <param name="TimestampTicks">The command's journal timestamp (UTC ticks): the application's only time.</param>
/// <param name="ProducerId">The producer; 0 = anonymous.</param>
/// <param name="ProducerSequence">The producer's own sequence of the command.</param>
public readonly record struct CommandContext(long Sequence, long TimestampTicks, ulong ProducerId, ulong ProducerSequence);

/// <summary>What the engine tells <c>Evolve</c> and read models about an event.</summary>
/// <param name="CommandSequence">The journal sequence of the command that caused it.</param>
/// <param name="TimestampTicks">The command's journal timestamp (UTC ticks).</param>
/// <param name="StreamVersion">The event's version in its stream (1, 2, 3, ...).</param>
public readonly record struct EventContext(long CommandSequence, long TimestampTicks, long StreamVersion);
