using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Protocol;
using Pipeline.Testing;

namespace Pipeline.Server.Tests.Cli;

/// <summary>A listener the test scripts frame by frame, standing in for a running service for the client verbs.</summary>
internal sealed class FakeService : IDisposable
{
    private readonly Socket _listener;

    public FakeService()
    {
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(4);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port.ToString(CultureInfo.InvariantCulture);
    }

    public string Port { get; }

    /// <summary>Accepts one client, reads its HELLO and welcomes it with the version it asked for.</summary>
    public async Task<FrameConnection> AcceptAsync()
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        var connection = new FrameConnection(await _listener.AcceptAsync(timeout.Token));
        (ushort version, ulong producerId, string _) = (await connection.ReadRequiredFrameAsync()).AsHello();
        await connection.SendAsync(w => FrameWriter.WriteWelcome(w, version, producerId, 0, 0));
        return connection;
    }

    /// <summary>A PUSH or EVENTS frame of ledger-like events: stream a-1, type ledger.deposited, payload {"n":position}.</summary>
    public static byte[] Records(FrameKind kind, ulong id, params ulong[] positions)
    {
        var records = new List<byte>();
        foreach (ulong p in positions)
        {
            byte[] payload = Encoding.UTF8.GetBytes("{\"n\":" + p.ToString(CultureInfo.InvariantCulture) + "}");
            byte[] record = new byte[FrameWriter.EventRecordBytes(3, 16, payload.Length)];
            FrameWriter.WriteEventRecord(record, p, p, new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc).Ticks, 0, "a-1"u8, p, "ledger.deposited"u8, 1, payload);
            records.AddRange(record);
        }

        byte[] frame = new byte[FrameWriter.EventsPrefixBytes + records.Count];
        if (kind == FrameKind.Push)
        {
            FrameWriter.WritePushPrefix(frame, id, (uint)positions.Length, records.Count);
        }
        else
        {
            FrameWriter.WriteEventsPrefix(frame, id, (uint)positions.Length, records.Count);
        }

        records.CopyTo(frame, FrameWriter.EventsPrefixBytes);
        return frame;
    }

    /// <summary>Runs a client verb with captured output; returns the exit code, the output lines and the error text.</summary>
    public static async Task<(int Code, string[] Lines, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = await Pipeline.Server.Cli.ClientCommands.RunAsync(args, output, error).WaitAsync(TestTimeouts.Default);
        return (code, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), error.ToString());
    }

    public void Dispose() => _listener.Dispose();
}
