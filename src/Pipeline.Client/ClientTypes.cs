using System;
using Pipeline.Protocol;

namespace Pipeline.Client;

/// <summary>The server's WELCOME.</summary>
/// <param name="Version">Protocol version.</param>
/// <param name="ProducerId">The producer id the server took.</param>
/// <param name="LastProducerSequence">The highest producer_seq of this producer id in the journal (resume after it).</param>
/// <param name="HeadSequence">The highest global sequence in the journal.</param>
public sealed record Welcome(ushort Version, ulong ProducerId, ulong LastProducerSequence, ulong HeadSequence);

/// <summary>An ACK.</summary>
/// <param name="ProducerSequence">The producer_seq it answers.</param>
/// <param name="Sequence">The global sequence (0 for INVALID, and for DUPLICATE when the server no longer knows it).</param>
/// <param name="Status">OK, REJECTED, DUPLICATE or INVALID.</param>
/// <param name="Detail">
/// The reject reason code or the INVALID explanation as sent; on a protocol version 4 connection a REJECTED detail may
/// go on after the code with one space and an explanation (<see cref="Reason"/> and <see cref="Explanation"/> split it).
/// </param>
public sealed record Ack(ulong ProducerSequence, ulong Sequence, AckStatus Status, string Detail)
{
    /// <summary>A REJECTED's reason code (<c>malformed_payload</c>), without any explanation; otherwise <see cref="Detail"/>.</summary>
    public string Reason => Status == AckStatus.Rejected && Detail.IndexOf(' ', StringComparison.Ordinal) is var space and >= 0 ? Detail[..space] : Detail;

    /// <summary>
    /// What a REJECTED's reason means for this payload (<c>$.amount: expected integer, got string</c>), sent on protocol
    /// version 4 connections when the server can say; null otherwise. Text for people: its wording may change.
    /// </summary>
    public string? Explanation => Status == AckStatus.Rejected && Detail.IndexOf(' ', StringComparison.Ordinal) is var space and >= 0 ? Detail[(space + 1)..] : null;
}

/// <summary>A RESULT.</summary>
/// <param name="RequestId">The request it answers.</param>
/// <param name="Sequence">The position the read model reflects.</param>
/// <param name="Status">OK, NOT_FOUND, BAD_REQUEST or TIMEOUT.</param>
/// <param name="Body">JSON.</param>
public sealed record QueryResult(ulong RequestId, ulong Sequence, ResultStatus Status, string Body);

/// <summary>The server sent ERROR and closed the connection.</summary>
public sealed class ServerErrorException : Exception
{
    /// <summary>Creates the exception for an ERROR frame.</summary>
    public ServerErrorException(ErrorCode code, string message)
        : base($"Server error {code}: {message}")
    {
        Code = code;
    }

    /// <summary>The error code.</summary>
    public ErrorCode Code { get; }
}

/// <summary>Where and as whom to connect.</summary>
public sealed class PipelineClientOptions
{
    /// <summary>Server host name or address.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Server port.</summary>
    public int Port { get; init; } = 7400;

    /// <summary>The producer id (0 = anonymous: no de-duplication, no resume).</summary>
    public ulong ProducerId { get; init; }

    /// <summary>Sent in HELLO.</summary>
    public string ClientName { get; init; } = "pipeline-dotnet";

    /// <summary>Reconnect after a lost connection and resume after WELCOME's last_producer_seq.</summary>
    public bool AutoReconnect { get; init; }

    /// <summary>How many reconnect attempts before pending calls fail.</summary>
    public int MaxReconnectAttempts { get; init; } = 20;

    /// <summary>The pause between reconnect attempts.</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The protocol version sent in HELLO: 1 (the default: what every server speaks) or 2, which reads need
    /// (ReadAsync and friends). A server that speaks only version 1 refuses 2 with UNSUPPORTED_VERSION.
    /// </summary>
    public ushort ProtocolVersion { get; init; } = FrameHeader.ProtocolVersion;

    /// <summary>The largest frame the client accepts from the server.</summary>
    public int MaxFrameLength { get; init; } = 16 * 1024 * 1024;
}
