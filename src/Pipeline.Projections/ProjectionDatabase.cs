using System;
using System.Data.Common;

namespace Pipeline.Projections;

/// <summary>The database a projection writes, inside the runner's current transaction.</summary>
/// <remarks>
/// Parameters are named <c>@name</c> in the SQL (both SQLite and PostgreSQL through Npgsql accept that). The SQL a
/// projection writes must be valid on the databases it is run against; <see cref="Dialect"/> says which one it is.
/// </remarks>
public sealed class ProjectionDatabase
{
    private readonly DbConnection _connection;

    internal ProjectionDatabase(DbConnection connection, SqlDialect dialect)
    {
        _connection = connection;
        Dialect = dialect;
    }

    /// <summary>Which database this is.</summary>
    public SqlDialect Dialect { get; }

    internal DbTransaction? Transaction { get; set; }

    /// <summary>Runs a statement; returns the rows it changed.</summary>
    public int Execute(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        using DbCommand command = Command(sql, parameters);
        return command.ExecuteNonQuery();
    }

    /// <summary>Runs a query and returns its first column of its first row (null when there is no row or it is NULL).</summary>
    public object? Scalar(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        using DbCommand command = Command(sql, parameters);
        object? value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    private DbCommand Command(string sql, ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        ArgumentException.ThrowIfNullOrEmpty(sql);
        DbCommand command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = Transaction;
        foreach ((string name, object? value) in parameters)
        {
            DbParameter parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
