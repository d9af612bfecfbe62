using System;
using System.IO;
using System.Threading.Tasks;

namespace Pipeline.LoadGen;

// The end-to-end load generator: drives the real server over TCP with the ledger mix (open or closed loop) and records
// acknowledgement latency in µs in HdrHistogram (and, with subscribers, their delivery latency), measures restart and
// replay after a crash (recovery), or how fast one client reads a filled event store from the start (catchup). See
// LoadGenOptions.Usage for the command line.
internal static class Program
{
    public const int BadCommandLine = 2;

    /// <summary>The runtime's switch to run socket completions on the epoll thread instead of the thread pool.</summary>
    public const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    private static async Task<int> Main(string[] args)
    {
        // Read once, when the first socket is made, so set here before any: the clients' receive loops then run on
        // the socket engine's thread, with no hop to a pool thread per receive (the ACK handling is short and never
        // blocks). ServerProcess removes it from the server's environment.
        Environment.SetEnvironmentVariable(InlineCompletionsVariable, "1");
        if (ParseCommandLine(args, Environment.CurrentDirectory, Console.Out, Console.Error, out LoadGenOptions options) is int exitCode)
        {
            return exitCode;
        }

        return options.Verb switch
        {
            LoadGenVerb.Recovery => await RecoveryRun.RunAsync(options, Console.Out).ConfigureAwait(false),
            LoadGenVerb.Catchup => await CatchupRun.RunAsync(options, Console.Out).ConfigureAwait(false),
            _ => await LoadRun.RunAsync(options, Console.Out).ConfigureAwait(false),
        };
    }

    /// <summary>
    /// Parses the command line as run from <paramref name="currentDirectory"/>. Returns the exit code when there is
    /// nothing to run (0 after printing the help, <see cref="BadCommandLine"/> after printing the error), else null.
    /// </summary>
    internal static int? ParseCommandLine(string[] args, string currentDirectory, TextWriter output, TextWriter error, out LoadGenOptions options)
    {
        if (!LoadGenOptions.TryParse(args, currentDirectory, out options, out string? problem))
        {
            error.WriteLine("error: " + problem);
            return BadCommandLine;
        }

        if (options.Help)
        {
            output.WriteLine(LoadGenOptions.Usage);
            return 0;
        }

        return null;
    }
}
