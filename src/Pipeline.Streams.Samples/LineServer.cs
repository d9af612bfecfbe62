using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Pipeline.Streams.Samples;

// The listening end of the seed's socketTextStream: accepts one client at a time on loopback (as `nc -lk` would),
// hands each line to the sample, and while the input is idle and a window waits, ticks the sample every interval.
internal sealed class LineServer : IDisposable
{
    /// <summary>The longest line taken; a longer one ends its connection with an error (the sample stays up).</summary>
    public const int MaxLineLength = 1 << 20;

    private readonly TcpListener _listener;
    private readonly INumberSample _sample;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _tickInterval;
    private readonly TextWriter _error;

    public LineServer(int port, INumberSample sample, TimeProvider clock, TimeSpan tickInterval, TextWriter error)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(tickInterval, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(error);
        _listener = new TcpListener(IPAddress.Loopback, port);
        _sample = sample;
        _clock = clock;
        _tickInterval = tickInterval;
        _error = error;
    }

    // Valid after Start; with port 0 this is the port the system chose.
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public void Start() => _listener.Start();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            using TcpClient client = await WithTicksAsync(_listener.AcceptTcpClientAsync(cancellationToken).AsTask(), cancellationToken)
                .ConfigureAwait(false);
            try
            {
                await ServeAsync(client, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException exception) when (exception.InnerException is SocketException)
            {
                // A client that vanishes mid-line ends its own connection; the next one may connect.
                _error.WriteLine($"connection lost: {exception.InnerException.Message}");
            }
            catch (InvalidDataException exception)
            {
                _error.WriteLine($"connection closed: {exception.Message} (the numbers before it were taken)");
            }
        }
    }

    public void Dispose() => _listener.Dispose();

    private async Task ServeAsync(TcpClient client, CancellationToken cancellationToken)
    {
        using var stream = new StreamReader(client.GetStream(), Encoding.UTF8);
        var reader = new BoundedLineReader(stream, MaxLineLength);
        while (true)
        {
            string? line = await WithTicksAsync(reader.ReadLineAsync(cancellationToken), cancellationToken)
                .ConfigureAwait(false);
            if (line is null)
            {
                return;
            }

            _sample.OnLine(line);
        }
    }

    // Waits for the task; each interval that passes without it completing while a window waits becomes a tick, so
    // windows close on time when the input goes quiet. Ticks are never sent when nothing waits for them.
    private async Task<T> WithTicksAsync<T>(Task<T> task, CancellationToken cancellationToken)
    {
        while (!task.IsCompleted && _sample.IsWaitingForTime)
        {
            using var delayCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task delay = Task.Delay(_tickInterval, _clock, delayCancellation.Token);
            Task first = await Task.WhenAny(task, delay).ConfigureAwait(false);
            if (first == task)
            {
                await delayCancellation.CancelAsync().ConfigureAwait(false);
                break;
            }

            cancellationToken.ThrowIfCancellationRequested();
            _sample.OnIdle();
        }

        return await task.ConfigureAwait(false);
    }
}
