using System;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace Pipeline.Streams.Samples;

// The seed's two socket examples on Pipeline.Streams: a running sum, and an average over a sliding window.
internal static class Program
{
    // How often an idle input ticks the flow while a window waits to close: windows close at most this late.
    private static readonly TimeSpan s_tickInterval = TimeSpan.FromSeconds(1);

    private static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && (args[0] is "-h" or "--help" or "help"))
        {
            Console.WriteLine(SampleOptions.Usage);
            return 0;
        }

        SampleOptions? options = SampleOptions.TryParse(args, out string? error);
        if (options is null)
        {
            Console.Error.WriteLine(error);
            Console.Error.WriteLine();
            Console.Error.WriteLine(SampleOptions.Usage);
            return 2;
        }

        using var stop = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            // Let the loop end by its token so the listener is closed before the process exits.
            e.Cancel = true;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            if (options.Mode == "ledger-windows")
            {
                return await LedgerWindowsConsumer.RunAsync(options.Host, options.Port, Console.Out, Console.Error, stop.Token).ConfigureAwait(false);
            }

            return await RunNumbersAsync(options, stop.Token).ConfigureAwait(false);
        }
        finally
        {
            // The token source is disposed on return; a second Ctrl+C after that must not reach it.
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static async Task<int> RunNumbersAsync(SampleOptions options, CancellationToken stop)
    {
        TimeProvider clock = TimeProvider.System;
        var source = new NumberSource(clock, Console.Error);
        INumberSample sample = options.Mode == "sum"
            ? new RunningSumSample(source, Console.Out)
            : new WindowAverageSample(source, Console.Out, options.Size, options.Slide);
        return await RunAsync(options, sample, clock, stop).ConfigureAwait(false);
    }

    private static async Task<int> RunAsync(SampleOptions options, INumberSample sample, TimeProvider clock, CancellationToken stop)
    {

        using var server = new LineServer(options.Port, sample, clock, s_tickInterval, Console.Error);
        try
        {
            server.Start();
        }
        catch (SocketException exception)
        {
            Console.Error.WriteLine($"cannot listen on 127.0.0.1:{options.Port}: {exception.Message}");
            return 1;
        }

        Console.Error.WriteLine($"{options.Mode}: listening on 127.0.0.1:{server.Port}; feed it with: nc 127.0.0.1 {server.Port}");
        try
        {
            await server.RunAsync(stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        return 0;
    }
}
