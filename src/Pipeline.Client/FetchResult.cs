using System.Collections.Generic;
using Pipeline.Protocol;

namespace Pipeline.Client;

/// <summary>The answer to one FETCH: its events and its READ_END.</summary>
/// <remarks>A status other than OK is reported here, not thrown, as <see cref="ReadResult"/> reports a read's.</remarks>
/// <param name="RequestId">The request it answers.</param>
/// <param name="Status">OK, BAD_REQUEST, NOT_SUPPORTED, STORE_ERROR or TOO_LARGE.</param>
/// <param name="Events">The matching events, in position order (empty when none became visible within the wait).</param>
/// <param name="Next">The first position not considered: the next FETCH's <see cref="FetchRequest.From"/> (with a filter it can be well past the last event).</param>
/// <param name="HeadPosition">The server's visible head when it answered.</param>
/// <param name="Message">Empty for OK, else what went wrong.</param>
public sealed record FetchResult(ulong RequestId, ReadStatus Status, IReadOnlyList<StoredEvent> Events, ulong Next, ulong HeadPosition, string Message);
