using System;
using System.Diagnostics;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;

namespace Pipeline.LoadGen;

/// <summary>Starts the real server (Pipeline.Server.dll beside this program) on a free port and a fresh data folder.</summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, int port, string dataDirectory)
    {
        _process = process;
        Port = port;
        DataDirectory = dataDirectory;
    }

    public int Port { get; }

    public string DataDirectory { get; }

    public static async Task<ServerProcess> StartAsync(string durability, string extraArgs)
    {
        string data = Path.Combine(Path.GetTempPath(), "pipeline-loadgen-" + Guid.NewGuid().ToString("N")[..8]);
        string dll = Path.Combine(AppContext.BaseDirectory, "Pipeline.Server.dll");
        var info = new ProcessStartInfo("dotnet", $"\"{dll}\" --Pipeline:Ingest:Port=0 --Pipeline:DataDirectory=\"{data}\" --Pipeline:Journal:Durability={durability} --Logging:LogLevel:Default=Warning --Logging:LogLevel:Pipeline.Ingest.IngestListener=Information {extraArgs}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the server.");
        var port = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && ListeningLine().Match(line) is { Success: true } m)
            {
                port.TrySetResult(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine("server: " + e.Data);
            }
        };
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => port.TrySetException(new InvalidOperationException($"The server exited with code {process.ExitCode} before listening."));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        int bound = await port.Task.WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        return new ServerProcess(process, bound, data);
    }

    [GeneratedRegex(@"Ingest listening on [^:]+:(\d+)")]
    private static partial Regex ListeningLine();

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

        _process.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder.
        }
    }
}
