using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using System.Threading.Tasks;

namespace Pipeline.Server.IntegrationTests.Infrastructure;

/// <summary>
/// The real server as a child process (<c>dotnet Pipeline.Server.dll</c>, copied beside the tests), on a free
/// port unless told otherwise; its output is kept for assertions and failure messages.
/// </summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    /// <summary>Start-up includes the runtime's own start and recovery on a busy 2-core machine.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ServerProcess(Process process, string dataDirectory)
    {
        _process = process;
        DataDirectory = dataDirectory;
    }

    public string DataDirectory { get; }

    public int Port { get; private set; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>Starts the server and waits until it listens.</summary>
    public static async Task<ServerProcess> StartAsync(string dataDirectory, params string[] args)
    {
        ServerProcess server = Launch(dataDirectory, args);
        await server.WaitForListeningAsync().ConfigureAwait(false);
        return server;
    }

    /// <summary>Starts the server without waiting (for start-up failures).</summary>
    public static ServerProcess Launch(string dataDirectory, params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "Pipeline.Server.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add($"--Pipeline:DataDirectory={dataDirectory}");
        if (!args.Any(a => a.StartsWith("--Pipeline:Ingest:Port=", StringComparison.Ordinal)))
        {
            info.ArgumentList.Add("--Pipeline:Ingest:Port=0");
        }

        if (!args.Any(a => a.StartsWith("--Pipeline:Journal:SegmentSizeBytes=", StringComparison.Ordinal)))
        {
            // Small segments: the tests see segments roll, and a test that turns preallocation on zero-fills 8 MiB
            // instead of 256 MiB.
            info.ArgumentList.Add("--Pipeline:Journal:SegmentSizeBytes=8388608");
        }

        if (!args.Any(a => a.StartsWith("--Pipeline:Streams:Enabled=", StringComparison.Ordinal)))
        {
            // As InProcessServer: wall-time window results and ticks are off unless a test asks for them.
            info.ArgumentList.Add("--Pipeline:Streams:Enabled=false");
        }

        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the server.");
        var server = new ServerProcess(process, dataDirectory);
        process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    private readonly TaskCompletionSource<int> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private async Task WaitForListeningAsync()
    {
        Task exited = _process.WaitForExitAsync();
        Task first = await Task.WhenAny(_listening.Task, exited, Task.Delay(StartTimeout)).ConfigureAwait(false);
        if (first != _listening.Task)
        {
            string why = first == exited ? $"exited with code {_process.ExitCode}" : "did not listen in time";
            throw new InvalidOperationException($"The server {why}. Output:{Environment.NewLine}{Output}");
        }

        Port = await _listening.Task.ConfigureAwait(false);
    }

    [GeneratedRegex(@"Ingest listening on [^:]+:(\d+)")]
    private static partial Regex ListeningLine();

    /// <summary>SIGKILL: the process dies at once, mid-write if it was writing.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
    }

    /// <summary>SIGTERM (what systemd and Ctrl+C-like stops send); returns the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        if (Kill(_process.Id, 15) != 0)
        {
            throw new InvalidOperationException($"kill(SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
        }

        return await WaitForExitAsync(timeout).ConfigureAwait(false);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout).ConfigureAwait(false);
        _process.WaitForExit(); // flushes the redirected output
        return _process.ExitCode;
    }

    public IReadOnlyList<string> Lines => [.. _output];

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }

        _process.Dispose();
    }
}
