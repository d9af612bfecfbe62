using System;
using System.Threading.Tasks;

namespace Pipeline.LoadGen;

// The end-to-end load generator: drives the real server over TCP with the ledger mix (open or closed loop) and records
// acknowledgement latency in µs in HdrHistogram, or measures restart and replay after a crash (recovery). See
// LoadGenOptions.Usage for the command line.
internal static class Program
{
    private const int BadCommandLine = 2;

    private static async Task<int> Main(string[] args)
    {
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
