using System;
using System.Collections.Generic;
using System.IO;
using Npgsql;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Peers.Tests;

// The options the peers use (folder, settings, log); the projection tests cover the default temp-folder server.
public sealed class PostgresServerTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [SkippableFact]
    public void TryStart_WithFolderSettingsAndLog_ServesWithThemAndLeavesTheFolder()
    {
        Skip.If(PostgresServer.FindInstallation() is null, "PostgreSQL is not installed");
        string folder = _folder.Combine("cluster with a long name so that the socket path does not fit " + new string('x', 40));
        string log = _folder.Combine("logs/server.log");
        var options = new PostgresServerOptions
        {
            Folder = folder,
            LogPath = log,
            Settings = [KeyValuePair.Create("work_mem", "5MB"), KeyValuePair.Create("application_name", "it's quoted")],
            InstallWhenMissing = false,
        };

        using (PostgresServer server = PostgresServer.TryStart(options, out string? unavailable) ?? throw new InvalidOperationException(unavailable))
        {
            using var connection = new NpgsqlConnection(server.ConnectionString);
            connection.Open();
            using var command = new NpgsqlCommand("select current_setting('work_mem') || '|' || current_setting('application_name')", connection);
            Assert.Equal("5MB|it's quoted", command.ExecuteScalar());
            Assert.StartsWith(folder, server.DataFolder, StringComparison.Ordinal);
        }

        Assert.True(Directory.Exists(Path.Combine(folder, "data")));
        Assert.Contains("database system is shut down", File.ReadAllText(log), StringComparison.Ordinal);
    }

    [Fact]
    public void TryStart_SettingNameThatIsNotOne_ThrowsBeforeMakingAnything()
    {
        var options = new PostgresServerOptions { Folder = _folder.Combine("bad"), Settings = [KeyValuePair.Create("work_mem = 1MB; x", "1")] };

        Assert.Throws<ArgumentException>(() => PostgresServer.TryStart(options, out _));
        Assert.False(Directory.Exists(_folder.Combine("bad")));
    }

    [Fact]
    public void UnreachableParent_FolderUnderOpenParents_Null()
    {
        string folder = _folder.Combine("a/b");

        Assert.Null(PostgresServer.UnreachableParent(folder));
    }
}
