using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace Pipeline.Peers;

/// <summary>
/// A peer's server as a child process: its output goes to the run's log, <see cref="WaitForPortAsync"/> waits until
/// it accepts connections, disposing stops it (SIGTERM, then SIGKILL after a grace period).
/// </summary>
internal sealed class PeerProcess : IAsyncDisposable
{
    private static readonly TimeSpan s_stopGrace = TimeSpan.FromSeconds(10);
    private readonly Process _process;
    private readonly TextWriter _log;

    private PeerProcess(Process process, TextWriter log)
    {
        _process = process;
        _log = log;
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <paramref name="program"/> with <paramref name="arguments"/>; every output line goes to <paramref name="log"/> with its name.</summary>
    public static PeerProcess Start(string program, string[] arguments, string workingDirectory, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(log);
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        string name = Path.GetFileName(program);
        process.OutputDataReceived += (_, e) => Log(log, name, e.Data);
        process.ErrorDataReceived += (_, e) => Log(log, name, e.Data);
        log.WriteLine($"starting: {program} {string.Join(' ', arguments)}");
        if (!process.Start())
        {
            throw new InvalidOperationException($"{program} did not start");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new PeerProcess(process, log);
    }

    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The first of <paramref name="candidates"/> that exists, else the program found on PATH, else null.</summary>
    public static string? Find(string program, params string[] candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        foreach (string candidate in candidates)
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        foreach (string folder in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string path = Path.Combine(folder, program);
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }

    /// <summary>Waits until the server accepts a TCP connection on <paramref name="port"/>; throws when it exits first or after <paramref name="timeout"/>.</summary>
    public async Task WaitForPortAsync(int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the server exited with code {_process.ExitCode} before it listened on port {port} (see the run's log)");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (SocketException) when (Stopwatch.GetTimestamp() < deadline)
            {
                // Not listening yet: a server start is a matter of milliseconds to a few seconds, polled every 50 ms.
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                throw new TimeoutException($"the server did not listen on port {port} within {timeout.TotalSeconds:0} s", ex);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, 15);
            using var grace = new CancellationTokenSource(s_stopGrace);
            try
            {
                await _process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _log.WriteLine($"the server did not stop within {s_stopGrace.TotalSeconds:0} s of SIGTERM: killed");
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        _log.WriteLine($"server exited with code {_process.ExitCode}");
        _process.Dispose();
    }

    private static void Log(TextWriter log, string name, string? line)
    {
        if (line is not null)
        {
            log.WriteLine($"[{name}] {line}");
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
#pragma warning disable CA5392, SYSLIB1054 // libc's kill(2); the only P/Invoke here, never on a hot path.
    private static extern int Kill(int pid, int signal);
#pragma warning restore CA5392, SYSLIB1054
}
