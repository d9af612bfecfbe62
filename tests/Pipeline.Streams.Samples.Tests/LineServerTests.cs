using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Streams.Samples.Tests;

public sealed class LineServerTests
{
    [Fact]
    public async Task RunAsync_LinesOverLoopback_PrintsTheRunningSumPerLine()
    {
        var output = new LineChannelWriter();
        var error = new LineChannelWriter();
        var sample = new RunningSumSample(new NumberSource(TimeProvider.System, error), output);
        using var server = new LineServer(0, sample, TimeProvider.System, TimeSpan.FromSeconds(1), error);
        server.Start();
        using var stop = new CancellationTokenSource();
        Task running = server.RunAsync(stop.Token);

        using (var client = new TcpClient())
        {
            await client.ConnectAsync(IPAddress.Loopback, server.Port).WaitAsync(TestTimeouts.Default);
            byte[] input = Encoding.UTF8.GetBytes("1 2 3\n4,5\nbad 1\n");
            await client.GetStream().WriteAsync(input).AsTask().WaitAsync(TestTimeouts.Default);

            Assert.Equal("sum=6", await output.Lines.ReadAsync().AsTask().WaitAsync(TestTimeouts.Default));
            Assert.Equal("sum=15", await output.Lines.ReadAsync().AsTask().WaitAsync(TestTimeouts.Default));
            Assert.Equal("sum=16", await output.Lines.ReadAsync().AsTask().WaitAsync(TestTimeouts.Default));
            Assert.Equal(
                "skipped token 'bad' (not a finite number) in line: bad 1",
                await error.Lines.ReadAsync().AsTask().WaitAsync(TestTimeouts.Default));
        }

        // The next client continues the same running sum, as a listener serving `nc` clients one after another does.
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(IPAddress.Loopback, server.Port).WaitAsync(TestTimeouts.Default);
            await client.GetStream().WriteAsync(Encoding.UTF8.GetBytes("0.5\n")).AsTask().WaitAsync(TestTimeouts.Default);

            Assert.Equal("sum=16.5", await output.Lines.ReadAsync().AsTask().WaitAsync(TestTimeouts.Default));
        }

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running.WaitAsync(TestTimeouts.Default));
    }

    [Fact]
    public async Task RunAsync_InputGoesIdle_TicksCloseTheOpenWindows()
    {
        var output = new LineChannelWriter();
        var error = new LineChannelWriter();
        var sample = new WindowAverageSample(
            new NumberSource(TimeProvider.System, error), output, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(100));
        using var server = new LineServer(0, sample, TimeProvider.System, TimeSpan.FromMilliseconds(20), error);
        server.Start();
        using var stop = new CancellationTokenSource();
        Task running = server.RunAsync(stop.Token);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, server.Port).WaitAsync(TestTimeouts.Default);

        // One line, then silence with the connection still open: only ticks can close its two windows.
        await client.GetStream().WriteAsync(Encoding.UTF8.GetBytes("1 2 3\n")).AsTask().WaitAsync(TestTimeouts.Default);
        string first = await output.Lines.ReadAsync().AsTask().WaitAsync(TestTimeouts.Default);
        string second = await output.Lines.ReadAsync().AsTask().WaitAsync(TestTimeouts.Default);

        Assert.EndsWith(") count=3 average=2", first, StringComparison.Ordinal);
        Assert.EndsWith(") count=3 average=2", second, StringComparison.Ordinal);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running.WaitAsync(TestTimeouts.Default));
    }
}
