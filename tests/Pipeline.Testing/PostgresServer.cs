using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pipeline.Testing;

/// <summary>
/// A throwaway PostgreSQL server: its own cluster in a folder (a temp folder unless <see cref="PostgresServerOptions"/>
/// names one), on a free port of 127.0.0.1, trust authentication, stopped on dispose. Installs the Debian package first
/// when PostgreSQL is missing and the caller runs as root with apt-get (as on CI); otherwise <see cref="TryStart(out string?)"/>
/// says why it cannot start.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private static readonly TimeSpan s_commandTimeout = TimeSpan.FromMinutes(10);

    // A Unix socket's path must fit sockaddr_un.sun_path (108 bytes with its terminator).
    private const int MaxSocketPathBytes = 107;

    private readonly string _bin;
    private readonly string _root;
    private readonly bool _ownsRoot;
    private readonly bool _asPostgresUser;

    private PostgresServer(string bin, string root, bool ownsRoot, bool asPostgresUser, int port, string logPath)
    {
        _bin = bin;
        _root = root;
        _ownsRoot = ownsRoot;
        _asPostgresUser = asPostgresUser;
        Port = port;
        LogPath = logPath;
        ConnectionString = $"Host=127.0.0.1;Port={port};Username=pipeline;Database=postgres;Pooling=false;Timeout=30;Command Timeout=60";
    }

    /// <summary>The server's port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>An Npgsql connection string to the <c>postgres</c> database as the superuser <c>pipeline</c>.</summary>
    public string ConnectionString { get; }

    /// <summary>The server log (startup, checkpoints, errors, shutdown).</summary>
    public string LogPath { get; }

    /// <summary>The cluster's data folder (<c>data</c> in the server's folder).</summary>
    public string DataFolder => Path.Combine(_root, "data");

    /// <summary>
    /// The folder of PostgreSQL's programs (<c>initdb</c>, <c>pg_ctl</c>): on PATH, else the newest under
    /// <c>/usr/lib/postgresql</c> (Debian); null when PostgreSQL is not installed.
    /// </summary>
    public static string? FindInstallation() => FindBin();

    /// <summary>
    /// The first of <paramref name="folder"/>'s parents that other users cannot pass through (no execute bit for others),
    /// or null when the <c>postgres</c> user can reach the folder. Only root starts the server as that user.
    /// </summary>
    public static string? UnreachableParent(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        for (DirectoryInfo? parent = new DirectoryInfo(Path.GetFullPath(folder)).Parent; parent is not null; parent = parent.Parent)
        {
            if (parent.Exists && (File.GetUnixFileMode(parent.FullName) & UnixFileMode.OtherExecute) == 0)
            {
                return parent.FullName;
            }
        }

        return null;
    }

    /// <summary>Starts a server in a temp folder, or returns null with the reason it cannot (no PostgreSQL and no way to install it).</summary>
    /// <exception cref="InvalidOperationException">PostgreSQL is there but did not start (its log is in the message).</exception>
    public static PostgresServer? TryStart(out string? unavailable) => TryStart(new PostgresServerOptions(), out unavailable);

    /// <summary>Starts a server as <paramref name="options"/> say, or returns null with the reason it cannot (PostgreSQL is not installed).</summary>
    /// <exception cref="InvalidOperationException">
    /// PostgreSQL is there but did not start (its log is in the message), or the <c>postgres</c> user cannot reach the folder.
    /// </exception>
    public static PostgresServer? TryStart(PostgresServerOptions options, out string? unavailable)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach ((string name, _) in options.Settings)
        {
            if (name.Length == 0 || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '.'))
            {
                throw new ArgumentException($"'{name}' is not a PostgreSQL setting name (lower-case letters, digits, '_' and '.')", nameof(options));
            }
        }

        string? bin = FindBin();
        bool root = Environment.UserName == "root";
        if (bin is null && options.InstallWhenMissing && root && File.Exists("/usr/bin/apt-get"))
        {
            Run("/usr/bin/apt-get", ["install", "-y", "-q", "--no-install-recommends", "postgresql"], allowFailure: true);
            bin = FindBin();
            if (bin is null)
            {
                // A fresh machine may have no package lists yet.
                Run("/usr/bin/apt-get", ["update", "-q"], allowFailure: true);
                Run("/usr/bin/apt-get", ["install", "-y", "-q", "--no-install-recommends", "postgresql"], allowFailure: true);
                bin = FindBin();
            }
        }

        if (bin is null)
        {
            unavailable = "PostgreSQL is not installed (no initdb on PATH or under /usr/lib/postgresql)" + (options.InstallWhenMissing
                ? ", and it could not be installed with apt-get (needs root): install the Debian package postgresql"
                : ": install it with sudo apt-get install -y postgresql");
            return null;
        }

        bool ownsFolder = options.Folder is null;
        string folder = Path.GetFullPath(options.Folder ?? Path.Combine(Path.GetTempPath(), "pipeline-pg-" + Guid.NewGuid().ToString("N")[..8]));
        string logPath = Path.GetFullPath(options.LogPath ?? Path.Combine(folder, "server.log"));
        bool asPostgres = root;
        if (asPostgres && UnreachableParent(folder) is { } blocked)
        {
            throw new InvalidOperationException($"the postgres user cannot reach {folder}: {blocked} does not let other users through (chmod o+x it, or choose another folder)");
        }

        Directory.CreateDirectory(folder);
        if (asPostgres)
        {
            Run("/bin/chown", ["postgres:postgres", folder], allowFailure: false);

            // pg_ctl opens the log as the postgres user, who may not create files where the caller put it.
            Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
            using (File.Open(logPath, FileMode.Append))
            {
            }

            Run("/bin/chown", ["postgres:postgres", logPath], allowFailure: false);
        }

        int port = FreePort();
        var server = new PostgresServer(bin, folder, ownsFolder, asPostgres, port, logPath);
        try
        {
            server.Pg("initdb", ["-D", server.DataFolder, "-U", "pipeline", "--auth=trust", "-E", "UTF8", "--no-sync"]);
            server.WriteSettings(port, options.Settings);
            server.Pg("pg_ctl", ["-D", server.DataFolder, "-l", logPath, "-w", "-t", "60", "start"]);
        }
        catch (InvalidOperationException ex)
        {
            string log = File.Exists(logPath) ? File.ReadAllText(logPath) : "(no server log)";
            server.Dispose();
            throw new InvalidOperationException(ex.Message + Environment.NewLine + log, ex);
        }

        unavailable = null;
        return server;
    }

    /// <summary>Stops the server (an immediate shutdown: no final checkpoint, as no restart follows) and deletes its folder if it made it.</summary>
    public void Dispose()
    {
        try
        {
            if (Directory.Exists(DataFolder))
            {
                Pg("pg_ctl", ["-D", DataFolder, "-m", "immediate", "-w", "stop"], allowFailure: true);
            }
        }
        finally
        {
            if (_ownsRoot)
            {
                try
                {
                    Directory.Delete(_root, recursive: true);
                }
                catch (IOException)
                {
                    // a leftover temp folder is not worth failing a test run for
                }
            }
        }
    }

    // Appended to postgresql.conf rather than passed as pg_ctl -o: pg_ctl hands -o to a shell, and the data folder then
    // records what the server ran with.
    private void WriteSettings(int port, IReadOnlyList<KeyValuePair<string, string>> settings)
    {
        string socket = Encoding.UTF8.GetByteCount(Path.Combine(_root, ".s.PGSQL.65535")) <= MaxSocketPathBytes ? _root : string.Empty;
        var conf = new StringBuilder();
        conf.AppendLine().AppendLine("# Pipeline.Testing.PostgresServer");
        foreach ((string name, string value) in new[]
        {
            KeyValuePair.Create("port", port.ToString(CultureInfo.InvariantCulture)),
            KeyValuePair.Create("listen_addresses", "127.0.0.1"),
            KeyValuePair.Create("unix_socket_directories", socket),
        }.Concat(settings))
        {
            conf.Append(name).Append(" = '").Append(value.Replace("'", "''", StringComparison.Ordinal)).AppendLine("'");
        }

        File.AppendAllText(Path.Combine(DataFolder, "postgresql.conf"), conf.ToString());
    }

    private void Pg(string tool, string[] args, bool allowFailure = false)
    {
        string path = Path.Combine(_bin, tool);
        if (_asPostgresUser)
        {
            Run("/usr/sbin/runuser", ["-u", "postgres", "--", path, .. args], allowFailure);
        }
        else
        {
            Run(path, args, allowFailure);
        }
    }

    private static string? FindBin()
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")))
            {
                return dir;
            }
        }

        const string Debian = "/usr/lib/postgresql";
        if (!Directory.Exists(Debian))
        {
            return null;
        }

        return Directory.GetDirectories(Debian)
            .Select(d => Path.Combine(d, "bin"))
            .Where(d => File.Exists(Path.Combine(d, "initdb")))
            .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out int v) ? v : 0)
            .FirstOrDefault();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Run(string file, string[] args, bool allowFailure)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using Process process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + file);
        System.Threading.Tasks.Task<string> output = process.StandardOutput.ReadToEndAsync();
        System.Threading.Tasks.Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(s_commandTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} did not finish within {s_commandTimeout}");
        }

        if (process.ExitCode != 0 && !allowFailure)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}: {error.Result}{output.Result}");
        }
    }
}
