namespace Pipeline.Consumers;

/// <summary>A durable consumer's checkpoint: the last event-log position it processed.</summary>
/// <param name="Name">The consumer's name (see <see cref="CheckpointStore.IsValidName"/>).</param>
/// <param name="Position">The last event position the consumer processed; 0 when it has processed none. A subscription by this name resumes after it.</param>
/// <param name="UpdatedAtTicks">UTC ticks, from the store's <see cref="System.TimeProvider"/>, of the commit or reset that set it; for operators only.</param>
/// <param name="Commits">How many commits moved this checkpoint forward since the consumer was created (a commit at the same position, a refused one and a reset do not count).</param>
public readonly record struct ConsumerCheckpoint(string Name, long Position, long UpdatedAtTicks, long Commits);
