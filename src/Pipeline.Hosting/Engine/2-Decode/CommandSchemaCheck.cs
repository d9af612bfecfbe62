using System;
using System.Linq;
using Pipeline.Application;
using Pipeline.Schemas;
using Pipeline.Schemas.Validation;

namespace Pipeline.Hosting.Engine;

/// <summary>
/// The compiled JSON Schema of every command type and version an application accepts, and the rule that applies
/// them after its decoder (<see cref="PayloadValidation"/>): shared by the decode stage and the replay, so a replay
/// refuses exactly what the service refused.
/// </summary>
/// <remarks>Thread-safe once built: the validators are immutable, and each call allocates only for a refused payload.</remarks>
internal sealed class CommandSchemaCheck
{
    /// <summary>The longest explanation sent: a member path in a hostile payload can be as long as the payload.</summary>
    internal const int MaxExplanationLength = 256;

    private const string Malformed = "malformed_payload";

    // [type index][schema version]: null where the type does not accept that version.
    private readonly PayloadValidator?[][] _validators;
    private readonly bool _validateAccepted;

    private CommandSchemaCheck(PayloadValidator?[][] validators, bool validateAccepted)
    {
        _validators = validators;
        _validateAccepted = validateAccepted;
    }

    /// <summary>
    /// The check for <paramref name="app"/> under <paramref name="mode"/>; null when there is nothing to check (the
    /// mode is Off, or the application publishes no command schemas).
    /// </summary>
    /// <exception cref="InvalidOperationException">The application accepts a command version that has no schema.</exception>
    public static CommandSchemaCheck? Create(CommandTypes types, object app, PayloadValidation mode)
    {
        ArgumentNullException.ThrowIfNull(types);
        if (mode == PayloadValidation.Off || app is not ICommandSchemas published)
        {
            return null;
        }

        SchemaRegistry schemas = published.Schemas;
        var validators = new PayloadValidator?[types.Count][];
        for (int i = 0; i < types.Count; i++)
        {
            CommandType type = types[i];
            validators[i] = new PayloadValidator?[type.SchemaVersions.Max() + 1];
            foreach (ushort version in type.SchemaVersions)
            {
                SchemaRegistration registration = schemas.VersionsOf(type.Name).FirstOrDefault(r => r.Version == version)
                    ?? throw new InvalidOperationException(
                        $"The application accepts {type.Name} version {version} but publishes no schema for it; register one, or set Pipeline:Schemas:Validation=Off.");
                validators[i][version] = PayloadValidator.For(registration.ClrType);
            }
        }

        return new CommandSchemaCheck(validators, mode == PayloadValidation.All);
    }

    /// <summary>
    /// Applies the schema after the decoder's verdict: returns the reject reason (the decoder's, or
    /// <c>malformed_payload</c> for an accepted payload its schema refuses under <see cref="PayloadValidation.All"/>)
    /// and, when the schema finds a violation, where and why.
    /// </summary>
    /// <param name="typeIndex">The command type's index in the application's types.</param>
    /// <param name="schemaVersion">The version the payload declares (before any upcast).</param>
    /// <param name="payload">The payload as sent.</param>
    /// <param name="decoderReason">The decoder's reject reason; null when it accepted the payload.</param>
    /// <param name="explanation">The violation (<c>$.amount: expected integer, got string</c>), or null.</param>
    public string? Check(int typeIndex, ushort schemaVersion, ReadOnlySpan<byte> payload, string? decoderReason, out string? explanation)
    {
        explanation = null;
        if (decoderReason is null && !_validateAccepted)
        {
            return null;
        }

        PayloadValidator?[] versions = _validators[typeIndex];
        PayloadValidator? validator = schemaVersion < versions.Length ? versions[schemaVersion] : null;
        if (validator is null || validator.Validate(payload, out string? error))
        {
            return decoderReason; // the schema has nothing to add (the decoder's own rules are stricter)
        }

        explanation = Shorten(error);
        return decoderReason ?? Malformed;
    }

    internal static string? Shorten(string? text)
    {
        if (text is null || text.Length <= MaxExplanationLength)
        {
            return text;
        }

        int keep = MaxExplanationLength - 3;
        if (char.IsHighSurrogate(text[keep - 1]))
        {
            keep--; // never split a surrogate pair: its half would not encode as UTF-8
        }

        return string.Concat(text.AsSpan(0, keep), "...");
    }
}
