using System;
using System.Threading.Tasks;

namespace Pipeline.LoadGen;

// The end-to-end load generator: drives the real server over TCP with the ledger mix (open or closed loop) and records
// acknowledgement latency in µs in HdrHistogram, or measures restart and replay after a crash (recovery). See
// LoadGenOptions.Usage for the command line.
internal static class Program
{
    private const int BadCommandLine = 2;

    /// <summary>The runtime's switch to run socket completions on the epoll thread instead of the thread pool.</summary>
    public const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    private static async Task<int> Main(string[] args)
    {
        // Read once, when the first socket is made, so set here before any: the clients' receive loops then run on
        // the socket engine's thread, with no hop to a pool thread per receive (the ACK handling is short and never
        // blocks). ServerProcess removes it from the server's environment.
        Environment.SetEnvironmentVariable(InlineCompletionsVariable, "1");
        if (!LoadGenOptions.TryParse(args, out LoadGenOptions options, out string? error))
        {
            Console.Error.WriteLine("error: " + error);
            return BadCommandLine;
        }

        if (options.Help)
        {
            Console.WriteLine(LoadGenOptions.Usage);
            return 0;
        }

        return options.Verb == LoadGenVerb.Recovery
            ? await RecoveryRun.RunAsync(options, Console.Out).ConfigureAwait(false)
            : await LoadRun.RunAsync(options, Console.Out).ConfigureAwait(false);
    }
}
