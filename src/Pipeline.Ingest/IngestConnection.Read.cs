using System;
using System.Buffers;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Protocol;

namespace Pipeline.Ingest;

// The read side: the read loop, framing, PUBLISH runs into the backend, HELLO/QUERY/PING, and backpressure
// (the reader stops while too many ACKs are outstanding or too many bytes wait to be sent). Only the reader task runs here.
public sealed partial class IngestConnection
{
    private async Task<(ErrorCode, string)?> ReadLoopAsync(CancellationToken stopReading)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(InitialReceiveBytes);
        int start = 0;
        int end = 0;
        try
        {
            while (true)
            {
                // Handle every whole frame in the buffer.
                while (true)
                {
                    FrameStatus status = FrameHeader.TryRead(buffer.AsSpan(start, end - start), _options.MaxFrameLength, out byte kind, out ReadOnlySpan<byte> body, out int frameBytes);
                    if (status == FrameStatus.NeedMore)
                    {
                        break;
                    }

                    if (status == FrameStatus.BadLength)
                    {
                        return (ErrorCode.BadFrame, $"frame length is 0 or above the maximum of {_options.MaxFrameLength}");
                    }

                    if (kind == (byte)FrameKind.Publish && _helloDone)
                    {
                        // Backpressure applies per run, not only per receive: one receive can hold thousands of frames,
                        // and handing them all over would overrun MaxInFlightPerConnection and pile their ACKs past
                        // OutputHighWatermarkBytes.
                        int room = _options.MaxInFlightPerConnection - InFlight;
                        if (room <= 0 || PendingOutputBytes >= _options.OutputHighWatermarkBytes)
                        {
                            await WaitForRoomAsync(stopReading).ConfigureAwait(false);
                            continue;
                        }

                        // A run of PUBLISH frames goes into the ring as one claim and one publish.
                        int run = CollectPublishRun(buffer.AsSpan(0, end), start, Math.Min(room, MaxPublishRun), out bool malformedNext);
                        if (run == 0)
                        {
                            return (ErrorCode.Malformed, "malformed PUBLISH");
                        }

                        Interlocked.Add(ref _inFlight, run);
                        int taken = _backend.TryPublish(this, buffer.AsSpan(0, end), _runBodies.AsSpan(0, run));
                        if (taken < run)
                        {
                            Interlocked.Add(ref _inFlight, taken - run);
                        }

                        if (taken == 0)
                        {
                            await WaitForRingAsync(stopReading).ConfigureAwait(false);
                            continue;
                        }

                        start = _runEnds[taken - 1];
                        if (taken == run && malformedNext)
                        {
                            return (ErrorCode.Malformed, "malformed PUBLISH");
                        }

                        continue;
                    }

                    if (kind is (byte)FrameKind.Read or (byte)FrameKind.Fetch && ReadsInFlight >= _options.MaxReadsInFlightPerConnection)
                    {
                        // Reads are answered off this thread; this bounds how many one connection has going at once.
                        await WaitForReadRoomAsync(stopReading).ConfigureAwait(false);
                        continue;
                    }

                    FrameOutcome outcome = HandleFrame(kind, body, out (ErrorCode, string) error);
                    if (outcome == FrameOutcome.Error)
                    {
                        return error;
                    }

                    start += frameBytes;
                }

                await WaitForRoomAsync(stopReading).ConfigureAwait(false);

                // Make room: move the partial frame to the front, grow the buffer for a large frame.
                if (start > 0)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
                }

                if (end == buffer.Length)
                {
                    byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, _options.MaxFrameLength + sizeof(uint)));
                    Buffer.BlockCopy(buffer, 0, larger, 0, end);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                int read = await _socket.ReceiveAsync(buffer.AsMemory(end), SocketFlags.None, stopReading).ConfigureAwait(false);
                if (read == 0)
                {
                    if (end > start)
                    {
                        return (ErrorCode.Malformed, "the connection ended inside a frame");
                    }

                    return null; // the client closed its side
                }

                end += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // Collects up to maxRun consecutive, well-formed PUBLISH frames from start; malformedNext says the run ended at a malformed one.
    private int CollectPublishRun(ReadOnlySpan<byte> buffer, int start, int maxRun, out bool malformedNext)
    {
        malformedNext = false;
        int count = 0;
        int at = start;
        while (count < maxRun)
        {
            FrameStatus status = FrameHeader.TryRead(buffer[at..], _options.MaxFrameLength, out byte kind, out ReadOnlySpan<byte> body, out int frameBytes);
            if (status != FrameStatus.Complete || kind != (byte)FrameKind.Publish)
            {
                break;
            }

            if (!ClientFrames.TryParsePublish(body, out _))
            {
                malformedNext = true;
                break;
            }

            int bodyStart = at + FrameHeader.Size;
            _runBodies[count] = new Range(bodyStart, bodyStart + body.Length);
            at += frameBytes;
            _runEnds[count] = at;
            count++;
        }

        return count;
    }

    private FrameOutcome HandleFrame(byte kind, ReadOnlySpan<byte> body, out (ErrorCode, string) error)
    {
        error = default;
        // A kind exists only from the version that introduced it: before HELLO the connection speaks version 1, so READ
        // and the kinds of version 3 are the unknown kinds they always were (and so is every server kind).
        if (!FrameHeader.IsClientKind(kind, _helloDone ? ProtocolVersion : FrameHeader.ProtocolVersion))
        {
            error = (ErrorCode.UnknownKind, $"unknown frame kind 0x{kind:X2}");
            return FrameOutcome.Error;
        }

        if ((kind == (byte)FrameKind.Hello) == _helloDone)
        {
            error = (ErrorCode.HelloRequired, _helloDone ? "HELLO came twice" : "the first frame must be HELLO");
            return FrameOutcome.Error;
        }

        switch ((FrameKind)kind)
        {
            case FrameKind.Hello:
                if (!ClientFrames.TryParseHello(body, out HelloFrame hello))
                {
                    error = (ErrorCode.Malformed, "malformed HELLO");
                    return FrameOutcome.Error;
                }

                if (hello.Version < FrameHeader.ProtocolVersion || hello.Version > _options.MaxProtocolVersion)
                {
                    error = (ErrorCode.UnsupportedVersion, _options.MaxProtocolVersion == FrameHeader.ProtocolVersion
                        ? $"protocol version {hello.Version} is not supported; this server speaks {FrameHeader.ProtocolVersion}"
                        : $"protocol version {hello.Version} is not supported; this server speaks {FrameHeader.ProtocolVersion} to {_options.MaxProtocolVersion}");
                    return FrameOutcome.Error;
                }

                _helloDone = true;
                ProtocolVersion = hello.Version;
                ProducerId = hello.ProducerId;
                ClientName = Encoding.UTF8.GetString(hello.ClientName);
                (ulong last, ulong head) = _backend.OnHello(hello.ProducerId);
                ulong producerId = hello.ProducerId;
                ushort version = hello.Version; // WELCOME echoes the client's version
                Enqueue(w => FrameWriter.WriteWelcome(w, version, producerId, last, head));
                return FrameOutcome.Handled;

            case FrameKind.Publish:
                error = (ErrorCode.Malformed, "malformed PUBLISH"); // well-formed runs never reach here
                return FrameOutcome.Error;

            case FrameKind.Query:
                if (!ClientFrames.TryParseQuery(body, out QueryFrame query))
                {
                    error = (ErrorCode.Malformed, "malformed QUERY");
                    return FrameOutcome.Error;
                }

                _backend.OnQuery(this, query);
                return FrameOutcome.Handled;

            case FrameKind.Read:
                if (!ClientFrames.TryParseRead(body, out ReadFrame read))
                {
                    error = (ErrorCode.Malformed, "malformed READ");
                    return FrameOutcome.Error;
                }

                Interlocked.Increment(ref _readsInFlight);
                _backend.OnRead(this, read);
                return FrameOutcome.Handled;

            case FrameKind.Subscribe:
                if (!ClientFrames.TryParseSubscribe(body, out SubscribeFrame subscribe))
                {
                    error = (ErrorCode.Malformed, "malformed SUBSCRIBE");
                    return FrameOutcome.Error;
                }

                _backend.OnSubscribe(this, subscribe);
                return FrameOutcome.Handled;

            case FrameKind.Credit:
                if (!ClientFrames.TryParseCredit(body, out CreditFrame credit))
                {
                    error = (ErrorCode.Malformed, "malformed CREDIT");
                    return FrameOutcome.Error;
                }

                _backend.OnCredit(this, credit);
                return FrameOutcome.Handled;

            case FrameKind.Unsubscribe:
                if (!ClientFrames.TryParseUnsubscribe(body, out UnsubscribeFrame unsubscribe))
                {
                    error = (ErrorCode.Malformed, "malformed UNSUBSCRIBE");
                    return FrameOutcome.Error;
                }

                _backend.OnUnsubscribe(this, unsubscribe);
                return FrameOutcome.Handled;

            case FrameKind.Fetch:
                if (!ClientFrames.TryParseFetch(body, out FetchFrame fetch))
                {
                    error = (ErrorCode.Malformed, "malformed FETCH");
                    return FrameOutcome.Error;
                }

                // A FETCH is answered as a READ is (EVENTS, then one READ_END) and shares its bound.
                Interlocked.Increment(ref _readsInFlight);
                _backend.OnFetch(this, fetch);
                return FrameOutcome.Handled;

            case FrameKind.Commit:
                if (!ClientFrames.TryParseCommit(body, out CommitFrame commit))
                {
                    error = (ErrorCode.Malformed, "malformed COMMIT");
                    return FrameOutcome.Error;
                }

                _backend.OnCommit(this, commit);
                return FrameOutcome.Handled;

            case FrameKind.ConsumerAdmin:
                if (!ClientFrames.TryParseConsumerAdmin(body, out ConsumerAdminFrame admin))
                {
                    error = (ErrorCode.Malformed, "malformed CONSUMER_ADMIN");
                    return FrameOutcome.Error;
                }

                _backend.OnConsumerAdmin(this, admin);
                return FrameOutcome.Handled;

            default:
                if (!ClientFrames.TryParsePing(body, out ulong nonce))
                {
                    error = (ErrorCode.Malformed, "malformed PING");
                    return FrameOutcome.Error;
                }

                Enqueue(w => FrameWriter.WritePong(w, nonce));
                return FrameOutcome.Handled;
        }
    }

    // The ring is full: back off briefly. The engine drains it within milliseconds unless it is stalled.
    private static Task WaitForRingAsync(CancellationToken stopReading) => Task.Delay(1, stopReading);

    // Waits while too many ACKs are outstanding or too many bytes wait to be sent.
    private async Task WaitForRoomAsync(CancellationToken stopReading)
    {
        while (InFlight >= _options.MaxInFlightPerConnection || PendingOutputBytes >= _options.OutputHighWatermarkBytes)
        {
            Task wake = _progress.WaitAsync();
            if (InFlight < _options.MaxInFlightPerConnection && PendingOutputBytes < _options.OutputHighWatermarkBytes)
            {
                return;
            }

            // The delay only bounds a lost wake-up; the ack thread pulses _progress as it makes room.
            await Task.WhenAny(wake, Task.Delay(100, CancellationToken.None)).ConfigureAwait(false);
            stopReading.ThrowIfCancellationRequested();
        }
    }

    // Waits while the connection has its maximum of READ frames unanswered.
    private async Task WaitForReadRoomAsync(CancellationToken stopReading)
    {
        while (ReadsInFlight >= _options.MaxReadsInFlightPerConnection)
        {
            Task wake = _progress.WaitAsync();
            if (ReadsInFlight < _options.MaxReadsInFlightPerConnection)
            {
                return;
            }

            // The delay only bounds a lost wake-up; SendReadEnd pulses _progress through the output's flush.
            await Task.WhenAny(wake, Task.Delay(100, CancellationToken.None)).ConfigureAwait(false);
            stopReading.ThrowIfCancellationRequested();
        }
    }

    private enum FrameOutcome
    {
        Handled,
        Error,
    }
}
