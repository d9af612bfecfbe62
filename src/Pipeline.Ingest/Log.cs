using System;
using System.Net;
using Microsoft.Extensions.Logging;
using Pipeline.Protocol;

namespace Pipeline.Ingest;

internal static partial class Log
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Ingest listening on {Address}:{Port}")]
    public static partial void Listening(ILogger logger, IPAddress address, int port);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Debug, Message = "Connection {ConnectionId} from {Remote} opened")]
    public static partial void ConnectionOpened(ILogger logger, long connectionId, EndPoint? remote);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Debug, Message = "Connection {ConnectionId} closed")]
    public static partial void ConnectionClosed(ILogger logger, long connectionId);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Connection {ConnectionId}: protocol error {Code}: {Detail}")]
    public static partial void ProtocolError(ILogger logger, long connectionId, ErrorCode code, string detail);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Debug, Message = "Connection {ConnectionId}: socket error")]
    public static partial void SocketFailed(ILogger logger, Exception exception, long connectionId);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Refused a connection from {Remote}: {Count} connections open (the maximum)")]
    public static partial void TooManyConnections(ILogger logger, EndPoint? remote, int count);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Warning, Message = "Connection {ConnectionId} did not finish closing in time; {InFlight} ACKs were still pending")]
    public static partial void CloseTimedOut(ILogger logger, long connectionId, int inFlight);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Error, Message = "The accept loop failed")]
    public static partial void AcceptFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Error, Message = "Connection {ConnectionId}: READ {RequestId} failed in the event store")]
    public static partial void ReadFailed(ILogger logger, Exception exception, long connectionId, ulong requestId);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Error, Message = "Connection {ConnectionId}: subscription {SubscriptionId} failed in the event store at position {Position}")]
    public static partial void SubscriptionFailed(ILogger logger, Exception exception, long connectionId, ulong subscriptionId, long position);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Debug, Message = "Connection {ConnectionId}: subscription {SubscriptionId} refused or ended: {Status} {Detail}")]
    public static partial void SubscriptionRequestRefused(ILogger logger, long connectionId, ulong subscriptionId, SubscriptionEndStatus status, string detail);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Error, Message = "Connection {ConnectionId}: FETCH {RequestId} failed in the event store")]
    public static partial void FetchFailed(ILogger logger, Exception exception, long connectionId, ulong requestId);
}
