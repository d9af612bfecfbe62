using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;

namespace Pipeline.Testing;

/// <summary>
/// A throwaway PostgreSQL server for tests: its own cluster in a temp folder, on a free port of 127.0.0.1, trust
/// authentication, stopped and deleted on dispose. Installs the Debian package first when PostgreSQL is missing
/// and the tests run as root with apt-get (as on CI); otherwise <see cref="TryStart"/> says why it cannot start.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private static readonly TimeSpan s_commandTimeout = TimeSpan.FromMinutes(10);
    private readonly string _bin;
    private readonly string _root;
    private readonly bool _asPostgresUser;

    private PostgresServer(string bin, string root, bool asPostgresUser, int port)
    {
        _bin = bin;
        _root = root;
        _asPostgresUser = asPostgresUser;
        Port = port;
        ConnectionString = $"Host=127.0.0.1;Port={port};Username=pipeline;Database=postgres;Pooling=false;Timeout=30;Command Timeout=60";
    }

    /// <summary>The server's port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>An Npgsql connection string to the <c>postgres</c> database as the superuser <c>pipeline</c>.</summary>
    public string ConnectionString { get; }

    /// <summary>Starts a server, or returns null with the reason it cannot (no PostgreSQL and no way to install it).</summary>
    /// <exception cref="InvalidOperationException">PostgreSQL is there but did not start (its log is in the message).</exception>
    public static PostgresServer? TryStart(out string? unavailable)
    {
        string? bin = FindBin();
        bool root = Environment.UserName == "root";
        if (bin is null && root && File.Exists("/usr/bin/apt-get"))
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
            unavailable = "PostgreSQL is not installed (no initdb on PATH or under /usr/lib/postgresql), and it could not be installed with apt-get (needs root): install the Debian package postgresql";
            return null;
        }

        string folder = Path.Combine(Path.GetTempPath(), "pipeline-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        bool asPostgres = root;
        if (asPostgres)
        {
            Run("/bin/chown", ["postgres:postgres", folder], allowFailure: false);
        }

        int port = FreePort();
        var server = new PostgresServer(bin, folder, asPostgres, port);
        try
        {
            server.Pg("initdb", ["-D", server.DataFolder, "-U", "pipeline", "--auth=trust", "-E", "UTF8", "--no-sync"]);
            server.Pg("pg_ctl", ["-D", server.DataFolder, "-l", Path.Combine(folder, "server.log"), "-w", "-t", "60",
                "-o", $"-p {port} -k {folder} -c listen_addresses=127.0.0.1", "start"]);
        }
        catch (InvalidOperationException ex)
        {
            string log = File.Exists(Path.Combine(folder, "server.log")) ? File.ReadAllText(Path.Combine(folder, "server.log")) : "(no server log)";
            server.Dispose();
            throw new InvalidOperationException(ex.Message + Environment.NewLine + log, ex);
        }

        unavailable = null;
        return server;
    }

    private string DataFolder => Path.Combine(_root, "data");

    /// <summary>Stops the server (immediately: the data is thrown away) and deletes its folder.</summary>
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
