using Pipeline.Client;

namespace Pipeline.Projections;

/// <summary>
/// A read model kept in a database from events: tables of its own, created by <see cref="CreateSchema"/>, and rows
/// changed by <see cref="Apply"/>. The runner calls both inside a transaction that also holds the projection's
/// checkpoint, so the rows always reflect exactly the events up to the checkpoint.
/// </summary>
/// <remarks>
/// <see cref="Apply"/> must change the database only through the <see cref="ProjectionDatabase"/> it is given (its transaction), and
/// must be deterministic in the event alone: after a crash the same events are applied again to the rows as of
/// the checkpoint.
/// </remarks>
public interface IProjection
{
    /// <summary>The projection's name: its checkpoint's key (and its consumer name on the server), 1 to 128 of A-Z a-z 0-9 . _ -.</summary>
    string Name { get; }

    /// <summary>Creates the projection's tables if they do not exist (<c>CREATE TABLE IF NOT EXISTS ...</c>).</summary>
    void CreateSchema(ProjectionDatabase database);

    /// <summary>Applies one event to the rows.</summary>
    void Apply(ProjectionDatabase database, StoredEvent storedEvent);
}
