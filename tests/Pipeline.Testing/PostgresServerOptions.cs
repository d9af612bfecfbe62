using System.Collections.Generic;

namespace Pipeline.Testing;

/// <summary>
/// Where a <see cref="PostgresServer"/> keeps its cluster and log, and the server settings on top of PostgreSQL's
/// defaults. The defaults are the test fixture's: a fresh temp folder, deleted on dispose, and no extra settings.
/// </summary>
public sealed class PostgresServerOptions
{
    /// <summary>
    /// The folder for the cluster (<c>data</c> inside it) and, unless <see cref="LogPath"/> says otherwise, the server
    /// log; created when missing. Null: a new temp folder. A given folder is left in place on dispose (its owner deletes
    /// it); a temp folder is deleted.
    /// </summary>
    /// <remarks>
    /// As root the server runs as the <c>postgres</c> user, so every parent of the folder must let that user through
    /// (see <see cref="PostgresServer.UnreachableParent"/>).
    /// </remarks>
    public string? Folder { get; init; }

    /// <summary>The server log (<c>pg_ctl -l</c>); null: <c>server.log</c> in <see cref="Folder"/>.</summary>
    public string? LogPath { get; init; }

    /// <summary>
    /// Server settings (name, value), written to the cluster's <c>postgresql.conf</c> after the port and listen address,
    /// so that a later one wins and the data folder records what the server ran with.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> Settings { get; init; } = [];

    /// <summary>Whether PostgreSQL may be installed with apt-get when missing (as root, on CI). The default is true.</summary>
    public bool InstallWhenMissing { get; init; } = true;
}
