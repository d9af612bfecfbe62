using System;
using Pipeline.Server.Cli;

namespace Pipeline.Server;

internal static class Program
{
    private static int Main(string[] args)
    {
        if (OperatorCommands.IsVerb(args))
        {
            return OperatorCommands.Run(args, Console.Out, Console.Error);
        }

        Console.Error.WriteLine("The worker service is not built yet; run 'Pipeline.Server help' for the operator commands.");
        return OperatorCommands.Usage;
    }
}
