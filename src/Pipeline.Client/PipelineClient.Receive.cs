using System;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;
using Pipeline.Protocol;

namespace Pipeline.Client;

// The receive loop: reads frames and completes the matching publishes, queries, reads, pings and consumer requests,
// and feeds the subscriptions.
public sealed partial class PipelineClient
{
    private async Task ReceiveLoopAsync(Socket socket, byte[] buffer, int count)
    {
        Exception? failure = null;
        try
        {
            while (true)
            {
                int start = 0;
                while (true)
                {
                    FrameStatus status = FrameHeader.TryRead(buffer.AsSpan(start, count - start), _options.MaxFrameLength, out byte kind, out ReadOnlySpan<byte> body, out int frameBytes);
                    if (status == FrameStatus.NeedMore)
                    {
                        break;
                    }

                    if (status == FrameStatus.BadLength)
                    {
                        throw new InvalidOperationException("The server sent a frame with a bad length.");
                    }

                    Dispatch(kind, body);
                    start += frameBytes;
                }

                Buffer.BlockCopy(buffer, start, buffer, 0, count - start);
                count -= start;
                if (count == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                int read = await socket.ReceiveAsync(buffer.AsMemory(count), SocketFlags.None, _disposed.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new SocketException((int)SocketError.ConnectionReset);
                }

                count += read;
            }
        }
        catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
        {
            failure = new ObjectDisposedException(nameof(PipelineClient));
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        socket.Dispose();
        if (_options.AutoReconnect && !_disposed.IsCancellationRequested && failure is not ServerErrorException { Code: not ErrorCode.ShuttingDown })
        {
            if (await TryReconnectAsync().ConfigureAwait(false))
            {
                return;
            }
        }

        Fail(failure);
    }

    private void Dispatch(byte kind, ReadOnlySpan<byte> body)
    {
        switch ((FrameKind)kind)
        {
            case FrameKind.Ack:
            {
                var reader = new BodyReader(body);
                if (!reader.TryReadUInt64(out ulong producerSequence) || !reader.TryReadUInt64(out ulong sequence)
                    || !reader.TryReadByte(out byte status) || !reader.TryReadString(out ReadOnlySpan<byte> detail))
                {
                    throw new InvalidOperationException("Malformed ACK from the server.");
                }

                PendingPublish pending;
                lock (_gate)
                {
                    if (!_unacknowledged.TryDequeue(out pending))
                    {
                        throw new InvalidOperationException($"An ACK for producer_seq {producerSequence} came with no publish waiting.");
                    }
                }

                if (pending.Observer is { } observer)
                {
                    observer.OnAck(pending.Token, pending.Index, sequence, (AckStatus)status, detail);
                }
                else
                {
                    pending.Done!.Complete(pending.Index, new Ack(producerSequence, sequence, (AckStatus)status, detail.IsEmpty ? string.Empty : Encoding.UTF8.GetString(detail)));
                }

                break;
            }

            case FrameKind.Result:
            {
                var reader = new BodyReader(body);
                if (!reader.TryReadUInt64(out ulong requestId) || !reader.TryReadUInt64(out ulong sequence)
                    || !reader.TryReadByte(out byte status) || !reader.TryReadString(out ReadOnlySpan<byte> json))
                {
                    throw new InvalidOperationException("Malformed RESULT from the server.");
                }

                if (_queries.TryRemove(requestId, out TaskCompletionSource<QueryResult>? done))
                {
                    done.TrySetResult(new QueryResult(requestId, sequence, (ResultStatus)status, Encoding.UTF8.GetString(json)));
                }

                break;
            }

            case FrameKind.Pong:
                if (body.Length == 8 && _pings.TryRemove(BinaryPrimitives.ReadUInt64LittleEndian(body), out TaskCompletionSource? pong))
                {
                    pong.TrySetResult();
                }

                break;

            case FrameKind.Events:
                OnEvents(body);
                break;

            case FrameKind.ReadEnd:
                OnReadEnd(body);
                break;

            case FrameKind.Subscribed:
                OnSubscribed(body);
                break;

            case FrameKind.Push:
                OnPush(body);
                break;

            case FrameKind.CaughtUp:
                OnCaughtUp(body);
                break;

            case FrameKind.Heartbeat:
                OnHeartbeat(body);
                break;

            case FrameKind.SubEnd:
                OnSubEnd(body);
                break;

            case FrameKind.ConsumerResult:
                OnConsumerResult(body);
                break;

            case FrameKind.Error:
            {
                (ErrorCode code, string message) = ParseError(body);
                throw new ServerErrorException(code, message);
            }

            default:
                throw new InvalidOperationException($"Unexpected frame kind 0x{kind:X2} from the server.");
        }
    }

    private static (ErrorCode, string) ParseError(ReadOnlySpan<byte> body)
    {
        var reader = new BodyReader(body);
        return reader.TryReadUInt16(out ushort code) && reader.TryReadString(out ReadOnlySpan<byte> message)
            ? ((ErrorCode)code, Encoding.UTF8.GetString(message))
            : ((ErrorCode)0, "malformed ERROR frame");
    }
}
