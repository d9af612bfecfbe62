using Pipeline.Protocol;

namespace Pipeline.Client;

/// <summary>The answer (CONSUMER_RESULT) to a commit, a reset or a delete of a durable consumer.</summary>
/// <remarks>A status other than OK is reported here, not thrown.</remarks>
/// <param name="RequestId">The request it answers.</param>
/// <param name="Status">OK (done and durable), STALE (a commit below the checkpoint: nothing changed), BAD_REQUEST, NOT_FOUND, NOT_SUPPORTED or STORE_ERROR.</param>
/// <param name="Position">The consumer's checkpoint after the request; 0 when it has none.</param>
/// <param name="Message">Empty for OK, else what went wrong.</param>
public sealed record CommitResult(ulong RequestId, ConsumerResultStatus Status, ulong Position, string Message);
