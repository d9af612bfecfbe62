using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace Pipeline.LoadGen;

/// <summary>
/// The real server (Pipeline.Server.dll beside this program) as a child process on a free port: captures its log
/// lines (the listening port, the recovery summary, snapshots written), times its start-up, and can be killed
/// hard (SIGKILL) to leave its data folder as a crash would.
/// </summary>
/// <remarks>Log lines arrive on the process's output reader thread; the tasks and fields they set are thread-safe.</remarks>
// Design: the output handler (one thread) completes _listening/_snapshotWritten and sets _recovered (a reference,
// published by the TaskCompletionSource that follows it in program order: _listening completes after the Recovered
// line, since the server recovers before it listens). _recent is guarded by its own lock.
internal sealed partial class ServerProcess : IAsyncDisposable
{
    private const int RecentLines = 40;
    private const int MaxWarningsKept = 10;

    private readonly Process _process;
    private readonly bool _deleteData;
    private readonly long _startedTimestamp;
    private readonly TaskCompletionSource<int> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<long> _snapshotWritten = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Queue<string> _recent = new();
    private readonly ServerWarnings _warnings = new(MaxWarningsKept);
    private long _listeningTimestamp;
    private RecoveredLine? _recovered;

    private ServerProcess(Process process, string dataDirectory, bool deleteData, long startedTimestamp)
    {
        _process = process;
        DataDirectory = dataDirectory;
        _deleteData = deleteData;
        _startedTimestamp = startedTimestamp;
    }

    public int Port { get; private set; }

    public string DataDirectory { get; }

    /// <summary>From just before the process start to the "Ingest listening" line.</summary>
    public TimeSpan StartupTime => Stopwatch.GetElapsedTime(_startedTimestamp, Interlocked.Read(ref _listeningTimestamp));

    /// <summary>The server's "Recovered" line of this start, if it printed one.</summary>
    public RecoveredLine? Recovered => Volatile.Read(ref _recovered);

    /// <summary>Completes with the exit code when the process exits.</summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>The CPU time the server has used (user + system, all threads); null once it has exited.</summary>
    public TimeSpan? CpuTime
    {
        get
        {
            try
            {
                return _process.HasExited ? null : _process.TotalProcessorTime;
            }
            catch (InvalidOperationException)
            {
                return null; // exited in between
            }
        }
    }

    /// <summary>Completes with the sequence of the first snapshot the server wrote.</summary>
    public Task<long> FirstSnapshotWritten => _snapshotWritten.Task;

    /// <summary>A fresh data folder under the temp folder.</summary>
    public static string NewDataDirectory() => Path.Combine(Path.GetTempPath(), "pipeline-loadgen-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>Starts the server and waits until it listens.</summary>
    /// <param name="dataDirectory">Its data folder (may hold a journal to recover).</param>
    /// <param name="durability">Batch, Interval or None.</param>
    /// <param name="extraArgs">More server arguments, separated by spaces (no quoting).</param>
    /// <param name="deleteData">Delete the data folder on dispose.</param>
    /// <param name="timeout">How long start-up (recovery included) may take.</param>
    public static async Task<ServerProcess> StartAsync(string dataDirectory, string durability, string extraArgs, bool deleteData, TimeSpan timeout)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "Pipeline.Server.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment.Remove(Program.InlineCompletionsVariable); // the generator's choice; the server applies its own default (inline)
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--Pipeline:Ingest:Port=0");
        info.ArgumentList.Add("--Pipeline:DataDirectory=" + dataDirectory);
        info.ArgumentList.Add("--Pipeline:Journal:Durability=" + durability);

        // Quiet, except the lines parsed here: listening (Ingest), recovered (Engine), snapshot written (Snapshots).
        info.ArgumentList.Add("--Logging:LogLevel:Default=Warning");
        info.ArgumentList.Add("--Logging:LogLevel:Pipeline.Ingest.IngestListener=Information");
        info.ArgumentList.Add("--Logging:LogLevel:Pipeline.Hosting.Engine=Information");
        info.ArgumentList.Add("--Logging:LogLevel:Pipeline.Journal.Snapshots=Information");
        foreach (string arg in extraArgs.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            info.ArgumentList.Add(arg);
        }

        long started = Stopwatch.GetTimestamp();
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the server.");
        var server = new ServerProcess(process, dataDirectory, deleteData, started);
        process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => server.OnExited();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (process.HasExited)
        {
            server.OnExited();
        }

        try
        {
            server.Port = await server._listening.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return server;
    }

    /// <summary>Warnings and errors the server logged, with how many there were in all (the first few are kept).</summary>
    public (int Count, IReadOnlyList<string> First) Warnings()
    {
        lock (_recent)
        {
            return (_warnings.Count, [.. _warnings.First]);
        }
    }

    /// <summary>The last lines the server printed (for a failure message).</summary>
    public string RecentOutput()
    {
        lock (_recent)
        {
            return string.Join(Environment.NewLine, _recent);
        }
    }

    /// <summary>
    /// SIGTERM, as an operator stops the service: it drains, writes its final snapshot and prints what it still had
    /// to say (the last second's slow-commit warning). SIGKILL if it has not exited within <paramref name="timeout"/>.
    /// Returns the exit code, or null if it had to be killed.
    /// </summary>
    public async Task<int?> StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return _process.ExitCode;
        }

        if (OperatingSystem.IsLinux() && SendSignal(_process.Id, SigTerm) == 0)
        {
            try
            {
                await _process.WaitForExitAsync().WaitAsync(timeout).ConfigureAwait(false);
                _process.WaitForExit(); // the redirected output is read to its end
                return _process.ExitCode;
            }
            catch (TimeoutException)
            {
                // Falls through to the kill.
            }
        }

        await KillAsync().ConfigureAwait(false);
        return null;
    }

    private const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);

    /// <summary>SIGKILL: no shutdown, no final snapshot, as a crash.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync().ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }

        _process.Dispose();
        if (_deleteData)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Best effort: a temp folder.
            }
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_recent)
        {
            if (_recent.Count == RecentLines)
            {
                _recent.Dequeue();
            }

            _recent.Enqueue(line);
            _warnings.Take(line);
        }

        if (ListeningLine().Match(line) is { Success: true } listening)
        {
            Interlocked.Exchange(ref _listeningTimestamp, Stopwatch.GetTimestamp());
            _listening.TrySetResult(int.Parse(listening.Groups[1].Value, CultureInfo.InvariantCulture));
        }
        else if (RecoveredLine.TryParse(line, out RecoveredLine? recovered))
        {
            Volatile.Write(ref _recovered, recovered);
        }
        else if (SnapshotLine().Match(line) is { Success: true } snapshot)
        {
            _snapshotWritten.TrySetResult(long.Parse(snapshot.Groups[1].Value, CultureInfo.InvariantCulture));
        }
    }

    private void OnExited()
    {
        int code = _process.ExitCode;
        _exited.TrySetResult(code);
        _listening.TrySetException(new InvalidOperationException(
            string.Create(CultureInfo.InvariantCulture, $"The server exited with code {code} before listening. Its last lines:{Environment.NewLine}{RecentOutput()}")));
        _snapshotWritten.TrySetException(new InvalidOperationException(
            string.Create(CultureInfo.InvariantCulture, $"The server exited with code {code} before writing a snapshot.")));
    }

    [GeneratedRegex(@"Ingest listening on .+:(\d+)\s*$")]
    private static partial Regex ListeningLine();

    [GeneratedRegex(@"Snapshot at sequence (\d+) written")]
    private static partial Regex SnapshotLine();
}
