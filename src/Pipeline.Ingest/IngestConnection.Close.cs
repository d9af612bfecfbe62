using System;
using System.Buffers;
using System.Diagnostics;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Protocol;

namespace Pipeline.Ingest;

// The end of a connection: wait for the last ACKs, send the ERROR (if any), drain the output, then a lingering close.
public sealed partial class IngestConnection
{
    private async Task CloseAsync((ErrorCode Code, string Message)? error, Task sender)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(_options.CloseTimeout.TotalSeconds * Stopwatch.Frequency);
        // Every READ handed over is ended too, so the ERROR (if any) comes after every answer.
        bool done = await WaitUntilAsync(() => InFlight == 0 && ReadsInFlight <= 0, deadline).ConfigureAwait(false);
        if (!done)
        {
            Log.CloseTimedOut(_logger, Id, InFlight);
        }

        if (error is { } e)
        {
            if (e.Code != ErrorCode.ShuttingDown)
            {
                Log.ProtocolError(_logger, Id, e.Code, e.Message);
            }

            Enqueue(w => FrameWriter.WriteError(w, e.Code, e.Message));
        }

        Flush();
        await WaitUntilAsync(() => _output.IsDrained, deadline).ConfigureAwait(false);
        _output.Close();
        await LingerAsync(deadline).ConfigureAwait(false);
        _socket.Dispose();
        await sender.ConfigureAwait(false);
        Log.ConnectionClosed(_logger, Id);
    }

    // A lingering close: send FIN, then read and drop what the client still sends until it closes too (or the
    // deadline). Closing a socket with unread input makes the kernel answer with RST, and a RST can destroy ACKs and
    // the ERROR frame that are still waiting in the client's receive buffer.
    private async Task LingerAsync(long deadline)
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
            byte[] sink = ArrayPool<byte>.Shared.Rent(16 * 1024);
            try
            {
                long remaining = deadline - Stopwatch.GetTimestamp();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(Math.Clamp(remaining / (double)Stopwatch.Frequency, 0.1, 2.0)));
                while (await _socket.ReceiveAsync(sink, SocketFlags.None, timeout.Token).ConfigureAwait(false) > 0)
                {
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(sink);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The peer is gone, or did not close in time: close anyway.
        }
    }

    private async Task<bool> WaitUntilAsync(Func<bool> condition, long deadline)
    {
        while (!condition())
        {
            long remaining = deadline - Stopwatch.GetTimestamp();
            if (remaining <= 0)
            {
                return false;
            }

            Task wake = _progress.WaitAsync();
            if (condition())
            {
                return true;
            }

            // The timeout only bounds a lost wake-up; progress normally pulses the signal.
            await Task.WhenAny(wake, Task.Delay(TimeSpan.FromMilliseconds(Math.Min(50, remaining * 1000.0 / Stopwatch.Frequency)))).ConfigureAwait(false);
        }

        return true;
    }
}
