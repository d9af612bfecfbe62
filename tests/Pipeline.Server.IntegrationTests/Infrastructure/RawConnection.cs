using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;
using Pipeline.Protocol;
using Pipeline.Testing;

namespace Pipeline.Server.IntegrationTests.Infrastructure;

/// <summary>A bare socket speaking frames byte by byte: for malformed input and exact protocol checks.</summary>
internal sealed class RawConnection : IDisposable
{
    private readonly Socket _socket;
    private byte[] _buffer = new byte[64 * 1024];
    private int _count;

    private RawConnection(Socket socket)
    {
        _socket = socket;
    }

    public static async Task<RawConnection> ConnectAsync(int port)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync("127.0.0.1", port).WaitAsync(TestTimeouts.Default).ConfigureAwait(false);
        return new RawConnection(socket);
    }

    /// <summary>Connects and completes the HELLO/WELCOME handshake.</summary>
    public static async Task<(RawConnection Connection, Frame Welcome)> HandshakeAsync(int port, ulong producerId = 0)
    {
        RawConnection connection = await ConnectAsync(port).ConfigureAwait(false);
        await connection.SendAsync(Frames.Hello(producerId)).ConfigureAwait(false);
        Frame welcome = await connection.ReadFrameAsync().ConfigureAwait(false) ?? throw new InvalidOperationException("no WELCOME");
        return (connection, welcome);
    }

    public Task SendAsync(byte[] bytes) => _socket.SendAsync(bytes, SocketFlags.None).WaitAsync(TestTimeouts.Default);

    /// <summary>Reads one frame; null when the server closed the connection.</summary>
    public async Task<Frame?> ReadFrameAsync(TimeSpan? timeout = null)
    {
        while (true)
        {
            if (_count >= 4)
            {
                int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(_buffer);
                if (_count >= 4 + length)
                {
                    var frame = new Frame((FrameKind)_buffer[4], _buffer.AsSpan(5, length - 1).ToArray());
                    Buffer.BlockCopy(_buffer, 4 + length, _buffer, 0, _count - 4 - length);
                    _count -= 4 + length;
                    return frame;
                }

                if (4 + length > _buffer.Length)
                {
                    Array.Resize(ref _buffer, 4 + length);
                }
            }

            int read;
            try
            {
                read = await _socket.ReceiveAsync(_buffer.AsMemory(_count), SocketFlags.None).AsTask().WaitAsync(timeout ?? TestTimeouts.Default).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                return null; // reset by the server after its ERROR
            }

            if (read == 0)
            {
                return null;
            }

            _count += read;
        }
    }

    public void Dispose() => _socket.Dispose();
}

/// <summary>A frame as received.</summary>
internal sealed record Frame(FrameKind Kind, byte[] Body)
{
    public (ulong ProducerSequence, ulong Sequence, AckStatus Status, string Detail) Ack()
    {
        Assert(FrameKind.Ack);
        return (BinaryPrimitives.ReadUInt64LittleEndian(Body), BinaryPrimitives.ReadUInt64LittleEndian(Body.AsSpan(8)), (AckStatus)Body[16], ReadString(17));
    }

    public (ushort Version, ulong ProducerId, ulong LastProducerSequence, ulong HeadSequence) Welcome()
    {
        Assert(FrameKind.Welcome);
        return (BinaryPrimitives.ReadUInt16LittleEndian(Body), BinaryPrimitives.ReadUInt64LittleEndian(Body.AsSpan(2)),
            BinaryPrimitives.ReadUInt64LittleEndian(Body.AsSpan(10)), BinaryPrimitives.ReadUInt64LittleEndian(Body.AsSpan(18)));
    }

    public (ulong RequestId, ulong Sequence, ResultStatus Status, string Body) Result()
    {
        Assert(FrameKind.Result);
        return (BinaryPrimitives.ReadUInt64LittleEndian(Body), BinaryPrimitives.ReadUInt64LittleEndian(Body.AsSpan(8)), (ResultStatus)Body[16], ReadString(17));
    }

    public (ErrorCode Code, string Message) Error()
    {
        Assert(FrameKind.Error);
        return ((ErrorCode)BinaryPrimitives.ReadUInt16LittleEndian(Body), ReadString(2));
    }

    private string ReadString(int at)
    {
        int length = BinaryPrimitives.ReadUInt16LittleEndian(Body.AsSpan(at));
        return Encoding.UTF8.GetString(Body, at + 2, length);
    }

    private void Assert(FrameKind expected)
    {
        if (Kind != expected)
        {
            throw new InvalidOperationException($"Expected {expected}, got {Kind}{(Kind == FrameKind.Error ? ": " + Error().Message : string.Empty)}.");
        }
    }
}

/// <summary>Frame builders, well-formed and not.</summary>
internal static class Frames
{
    public static byte[] Hello(ulong producerId, ushort version = 1, string name = "tests") =>
        Build(w => FrameWriter.WriteHello(w, version, producerId, name));

    public static byte[] Publish(ulong producerSequence, string type, string json, ushort schemaVersion = 1) =>
        Build(w => FrameWriter.WritePublish(w, producerSequence, Encoding.UTF8.GetBytes(type), schemaVersion, Encoding.UTF8.GetBytes(json)));

    public static byte[] PublishBytes(ulong producerSequence, string type, byte[] payload) =>
        Build(w => FrameWriter.WritePublish(w, producerSequence, Encoding.UTF8.GetBytes(type), 1, payload));

    public static byte[] Query(ulong requestId, string name, ulong minSequence, string args) =>
        Build(w => FrameWriter.WriteQuery(w, requestId, name, minSequence, args));

    public static byte[] Ping(ulong nonce) => Build(w => FrameWriter.WritePing(w, nonce));

    /// <summary>A frame with any length field, kind and body bytes.</summary>
    public static byte[] Raw(uint length, byte kind, byte[] body)
    {
        byte[] frame = new byte[5 + body.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, length);
        frame[4] = kind;
        body.CopyTo(frame, 5);
        return frame;
    }

    public static byte[] Concat(params byte[][] frames)
    {
        var writer = new ArrayBufferWriter<byte>();
        foreach (byte[] f in frames)
        {
            writer.Write(f);
        }

        return writer.WrittenSpan.ToArray();
    }

    private static byte[] Build(Action<ArrayBufferWriter<byte>> write)
    {
        var writer = new ArrayBufferWriter<byte>();
        write(writer);
        return writer.WrittenSpan.ToArray();
    }
}
