namespace Pipeline.Consumers;

/// <summary>The outcome of <see cref="CheckpointStore.Commit"/>.</summary>
/// <param name="Applied">
/// True when the consumer's checkpoint is now the committed position (moved forward, or already there); false when
/// the position was behind the checkpoint, which a commit never moves backwards.
/// </param>
/// <param name="Checkpoint">The consumer's durable checkpoint after the call: the committed one, or the newer one that refused it.</param>
public readonly record struct CommitResult(bool Applied, ConsumerCheckpoint Checkpoint);
