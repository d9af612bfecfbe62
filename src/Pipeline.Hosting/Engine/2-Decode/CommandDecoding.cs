using System;
using Pipeline.Application;

namespace Pipeline.Hosting.Engine;

/// <summary>
/// One command payload to the application's command, as the live decode stage and the replay both do it: upcast to
/// the newest version, decode, then the schema check of the version sent. One place, so that a replay decides
/// exactly as the service did.
/// </summary>
/// <param name="decoder">The decoder (one per thread).</param>
/// <param name="upcaster">The application's command upcasts (one per thread), or null.</param>
/// <param name="schemas">The schema check, or null.</param>
internal sealed class CommandDecoding<TCommand>(ICommandDecoder<TCommand> decoder, CommandUpcaster? upcaster, CommandSchemaCheck? schemas)
{
    private const string Malformed = "malformed_payload";

    /// <summary>Returns the reject reason (null: decoded into <paramref name="command"/>) and the schema's explanation of it, if any.</summary>
    public string? Decode(int typeIndex, ushort schemaVersion, ReadOnlySpan<byte> payload, out TCommand command, out string? explanation)
    {
        // The decoder sees only the newest version; the schema checks what was sent.
        ushort version = schemaVersion;
        ReadOnlySpan<byte> newest = upcaster is null ? payload : upcaster.Upcast(typeIndex, ref version, payload);
        string? reason = decoder.TryDecode(typeIndex, version, newest, out command, out string? refused) ? null : refused ?? Malformed;
        explanation = null;
        return schemas is null ? reason : schemas.Check(typeIndex, schemaVersion, payload, reason, out explanation);
    }
}
