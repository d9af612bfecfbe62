using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Pipeline.EventStore;
using Pipeline.Hosting;
using Pipeline.Hosting.Hosting;
using Pipeline.Ledger;
using Pipeline.Server.Cli;

namespace Pipeline.Server;

internal static class Program
{
    /// <summary>Exit code when the configuration is wrong (EX_CONFIG).</summary>
    private const int ConfigurationError = 78;

    /// <summary>Exit code when start-up fails for another reason (damaged journal, port in use, ...).</summary>
    private const int StartFailed = 1;

    private static async Task<int> Main(string[] args)
    {
        SocketDefaults.Apply(); // before any socket is made
        if (OperatorCommands.IsVerb(args))
        {
            return OperatorCommands.Run(args, Console.Out, Console.Error);
        }

        if (args.Length > 0 && Array.IndexOf(ClientCommands.Verbs, args[0]) >= 0)
        {
            // Ctrl+C stops a subscription cleanly (a durable consumer commits its position) instead of killing the process.
            using var stop = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = true;
                stop.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            try
            {
                return await ClientCommands.RunAsync(args, Console.Out, Console.Error, stop.Token).ConfigureAwait(false);
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
        }

        IHost host;
        try
        {
            host = BuildHost(args);
        }
        catch (InvalidOperationException ex)
        {
            // The configuration binder's own errors (e.g. a value of the wrong type) name the key.
            Console.Error.WriteLine("Configuration error: " + ex.Message);
            return ConfigurationError;
        }

        try
        {
            await host.RunAsync().ConfigureAwait(false);
            return Environment.ExitCode;
        }
        catch (OptionsValidationException ex)
        {
            Console.Error.WriteLine("Configuration error:");
            foreach (string failure in ex.Failures)
            {
                Console.Error.WriteLine("  " + failure);
            }

            return ConfigurationError;
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains("configuration", StringComparison.OrdinalIgnoreCase))
        {
            Console.Error.WriteLine("Configuration error: " + ex.Message);
            return ConfigurationError;
        }
        catch (EventLogCorruptedException ex)
        {
            // The message names the file and the byte offset; the log is derived from the journal, so it can be rebuilt.
            Console.Error.WriteLine("Start-up failed: " + ex.Message);
            Console.Error.WriteLine("The event log is derived from the journal: 'Pipeline.Server events verify' reports the damage, 'Pipeline.Server events rebuild' moves the log aside so that the next start rebuilds it.");
            return StartFailed;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Console.Error.WriteLine("Start-up failed: " + ex.Message);
            return StartFailed;
        }
        finally
        {
            host.Dispose();
        }
    }

    internal static IHost BuildHost(string[] args)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Services.AddSystemd();
        builder.Services.AddPipeline(builder.Configuration).AddApplication(LedgerSettings.CreateLedger(builder.Configuration));
        return builder.Build();
    }
}
