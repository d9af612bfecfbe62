using System;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Pipeline.Projections;

/// <summary>Opens the connections the runner supports, set up for it.</summary>
public static class ProjectionConnections
{
    /// <summary>
    /// Opens (creating if needed) a SQLite database file in WAL mode. <c>synchronous=NORMAL</c>: a power loss may
    /// take back the last transactions, never half of one, and the runner re-applies them from its checkpoint.
    /// </summary>
    public static DbConnection OpenSqlite(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        try
        {
            connection.Open();
            using SqliteCommand pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;";
            pragma.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Opens a PostgreSQL connection from an Npgsql connection string.</summary>
    public static DbConnection OpenPostgreSql(string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            connection.Open();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
