using System.Collections.Generic;
using Pipeline.Protocol;

namespace Pipeline.Client;

/// <summary>The answer to one READ: its events and its READ_END.</summary>
/// <remarks>A status other than OK is reported here, not thrown, as <see cref="QueryResult"/> reports a query's.</remarks>
/// <param name="RequestId">The request it answers.</param>
/// <param name="Status">OK, NOT_FOUND, BAD_REQUEST, TIMEOUT, NOT_SUPPORTED, STORE_ERROR or TOO_LARGE.</param>
/// <param name="Events">The events, in the order read (empty for most statuses other than OK).</param>
/// <param name="Next">
/// The from value that continues the read: a position, or a stream version for a stream read (backward: 0 once
/// position 1 was read); continue a time read with an all-forward read. 0 unless the status is OK or TOO_LARGE.
/// </param>
/// <param name="HeadPosition">The server's visible head when it answered.</param>
/// <param name="Message">Empty for OK, else what went wrong.</param>
public sealed record ReadResult(ulong RequestId, ReadStatus Status, IReadOnlyList<StoredEvent> Events, ulong Next, ulong HeadPosition, string Message);
