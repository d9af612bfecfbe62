using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Protocol;
using Pipeline.Testing;

namespace Pipeline.Client.Tests;

/// <summary>A server the test drives frame by frame: it decides what to answer, in which order, and when to drop the connection.</summary>
internal sealed class ScriptedServer : IDisposable
{
    private readonly Socket _listener;

    public ScriptedServer()
    {
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(16);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
    }

    public int Port { get; }

    public async Task<FrameConnection> AcceptAsync()
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        Socket socket = await _listener.AcceptAsync(timeout.Token);
        socket.NoDelay = true;
        return new FrameConnection(socket);
    }

    /// <summary>
    /// Accepts, reads the HELLO and answers WELCOME, echoing the HELLO's version up to <paramref name="maxVersion"/>
    /// (as a server that speaks 1 to <paramref name="maxVersion"/> would; it does not refuse higher versions);
    /// returns the connection and the HELLO's producer id.
    /// </summary>
    public async Task<(FrameConnection Connection, ulong ProducerId)> AcceptHelloAsync(ulong lastProducerSequence = 0, ulong headSequence = 0, ushort maxVersion = FrameHeader.MaxProtocolVersion)
    {
        FrameConnection connection = await AcceptAsync();
        (ushort version, ulong producerId, string _) = (await connection.ReadRequiredFrameAsync()).AsHello();
        ushort echoed = Math.Min(version, maxVersion);
        await connection.SendAsync(w => FrameWriter.WriteWelcome(w, echoed, producerId, lastProducerSequence, headSequence));
        return (connection, producerId);
    }

    public void Dispose() => _listener.Dispose();
}
