using Pipeline.Schemas;

namespace Pipeline.Application;

/// <summary>
/// An application whose command payloads have published JSON Schemas: the engine validates each payload against the
/// schema of the version it declares, on the parallel decode stage (<c>Pipeline:Schemas:Validation</c>), and names
/// the offending member of a refused payload (<c>$.amount: expected integer, got string</c>) to clients that speak
/// protocol version 4.
/// </summary>
/// <remarks>
/// Every command type and version in <see cref="IApplication{TState, TCommand, TEvent}.Commands"/> must have a
/// registration (the engine refuses to start otherwise while validation is on). The schemas are those the
/// application publishes (and locks): a payload valid under its version's schema must never be refused as
/// malformed by a different rule than the decoder's own.
/// </remarks>
public interface ICommandSchemas
{
    /// <summary>The registrations of every command type and version (other types in it are ignored); read once, at start.</summary>
    SchemaRegistry Schemas { get; }
}
