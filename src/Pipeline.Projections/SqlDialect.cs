namespace Pipeline.Projections;

/// <summary>The databases the projection runner supports.</summary>
public enum SqlDialect
{
    /// <summary>SQLite (Microsoft.Data.Sqlite): the embedded default.</summary>
    Sqlite,

    /// <summary>PostgreSQL (Npgsql).</summary>
    PostgreSql,
}
