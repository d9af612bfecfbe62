using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Protocol;

namespace Pipeline.Testing;

/// <summary>
/// One end of a TCP connection that speaks frames byte by byte: the raw client of the ingest tests and the scripted
/// server of the client tests. Every read and write is bounded by <see cref="TestTimeouts.Default"/>.
/// </summary>
/// <remarks>One thread at a time reads; one at a time writes.</remarks>
public sealed class FrameConnection : IDisposable
{
    private byte[] _buffer = new byte[64 * 1024];
    private int _count;

    /// <summary>Wraps a connected socket (disposed with this object).</summary>
    public FrameConnection(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        Socket = socket;
    }

    /// <summary>The socket.</summary>
    public Socket Socket { get; }

    /// <summary>Connects to 127.0.0.1:<paramref name="port"/>; a receive buffer size, if given, is set before connecting.</summary>
    public static async Task<FrameConnection> ConnectAsync(int port, int? receiveBufferBytes = null)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (receiveBufferBytes is { } size)
            {
                socket.ReceiveBufferSize = size;
            }

            using var timeout = new CancellationTokenSource(TestTimeouts.Default);
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token).ConfigureAwait(false);
            return new FrameConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends every byte.</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> bytes)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        while (!bytes.IsEmpty)
        {
            int sent = await Socket.SendAsync(bytes, SocketFlags.None, timeout.Token).ConfigureAwait(false);
            bytes = bytes[sent..];
        }
    }

    /// <summary>Encodes with <paramref name="write"/> (a <see cref="FrameWriter"/> call) and sends.</summary>
    public Task SendAsync(Action<IBufferWriter<byte>> write) => SendAsync(FrameBytes.Build(write));

    /// <summary>Reads one frame; null when the peer closed (or reset) the connection first.</summary>
    /// <exception cref="OperationCanceledException">No whole frame came within the timeout.</exception>
    public async Task<ReceivedFrame?> ReadFrameAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TestTimeouts.Default);
        while (true)
        {
            if (_count >= sizeof(uint))
            {
                int length = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(_buffer));
                if (_count >= sizeof(uint) + length)
                {
                    var frame = new ReceivedFrame((FrameKind)_buffer[4], _buffer.AsSpan(FrameHeader.Size, length - 1).ToArray());
                    Buffer.BlockCopy(_buffer, sizeof(uint) + length, _buffer, 0, _count - sizeof(uint) - length);
                    _count -= sizeof(uint) + length;
                    return frame;
                }

                if (sizeof(uint) + length > _buffer.Length)
                {
                    Array.Resize(ref _buffer, sizeof(uint) + length);
                }
            }

            int read;
            try
            {
                read = await Socket.ReceiveAsync(_buffer.AsMemory(_count), SocketFlags.None, cancel.Token).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                return null; // reset by the peer
            }

            if (read == 0)
            {
                return null;
            }

            _count += read;
        }
    }

    /// <summary>Reads one frame that must be there.</summary>
    /// <exception cref="InvalidOperationException">The peer closed the connection instead.</exception>
    public async Task<ReceivedFrame> ReadRequiredFrameAsync()
    {
        ReceivedFrame? frame = await ReadFrameAsync().ConfigureAwait(false);
        return frame ?? throw new InvalidOperationException("The peer closed the connection; a frame was expected.");
    }

    /// <summary>Closes the sending direction (FIN); the connection can still read.</summary>
    public void ShutdownSend() => Socket.Shutdown(SocketShutdown.Send);

    /// <summary>Closes with RST (linger 0): the hard way a crashed peer goes.</summary>
    public void Abort()
    {
        Socket.LingerState = new LingerOption(true, 0);
        Socket.Dispose();
    }

    /// <inheritdoc />
    public void Dispose() => Socket.Dispose();
}
