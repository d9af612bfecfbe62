using System;
using Pipeline.Protocol;

namespace Pipeline.Client;

/// <summary>
/// Receives the ACKs of <see cref="PipelineClient.PublishBatch"/> one by one, without a task or an <see cref="Ack"/>
/// object per command (the load generator's path).
/// </summary>
/// <remarks>
/// Called on the client's receive loop (one call at a time per client), in publish order, or on the thread that
/// fails the connection. Keep it short; it must not block or throw (a throw fails the connection).
/// </remarks>
public interface IAckObserver
{
    /// <summary>One command's ACK. <paramref name="detail"/> is only valid during the call.</summary>
    /// <param name="token">The token given to <see cref="PipelineClient.PublishBatch"/>.</param>
    /// <param name="index">The command's index in its batch.</param>
    /// <param name="sequence">The global sequence (0 for INVALID).</param>
    /// <param name="status">OK, REJECTED, DUPLICATE or INVALID.</param>
    /// <param name="detail">The reject reason code or the INVALID explanation, UTF-8.</param>
    void OnAck(long token, int index, ulong sequence, AckStatus status, ReadOnlySpan<byte> detail);

    /// <summary>One command will get no ACK: the connection failed or was disposed.</summary>
    void OnFailed(long token, int index, Exception failure);
}
