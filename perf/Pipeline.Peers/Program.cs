using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Pipeline.Peers;

// The peers driver: one measurement of one system Pipeline is compared with (Marten on PostgreSQL, Redis Streams,
// NATS JetStream), each through the client its users use, against a server it starts itself. run-perf.sh --only peers
// runs it beside Pipeline.LoadGen, interleaved. See PeerOptions.Usage.
internal static class Program
{
    public const int BadCommandLine = 2;

    private static async Task<int> Main(string[] args)
    {
        if (!PeerOptions.TryParse(args, Environment.CurrentDirectory, out PeerOptions options, out string? problem))
        {
            Console.Error.WriteLine("error: " + problem);
            return BadCommandLine;
        }

        if (options.Help)
        {
            Console.WriteLine(PeerOptions.Usage);
            return 0;
        }

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };

        switch (options.Verb)
        {
            case "systems":
                foreach (string name in PeerSystems.Names)
                {
                    await using IPeerSystem system = PeerSystems.Create(name);
                    Console.WriteLine($"{name}\t{system.Settings}");
                }

                return 0;
            case "check":
                await using (IPeerSystem system = PeerSystems.Create(options.System))
                {
                    string? missing = system.Missing();
                    Console.WriteLine(missing is null ? $"{options.System}: installed" : $"{options.System}: not installed: {missing}");
                    return missing is null ? 0 : PeerOptions.NotInstalled;
                }

            default:
                return await PeerRun.RunAsync(options, PeerSystems.Create(options.System), Console.Out, TimeProvider.System, stop.Token).ConfigureAwait(false);
        }
    }
}
