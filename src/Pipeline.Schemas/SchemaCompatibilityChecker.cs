using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;

namespace Pipeline.Schemas;

/// <summary>Checks a new schema version against the earlier versions of its type, by compatibility mode.</summary>
public static class SchemaCompatibilityChecker
{
    /// <summary>Every incompatibility of <paramref name="newSchema"/> against <paramref name="earlier"/> under <paramref name="mode"/>; empty when compatible.</summary>
    /// <param name="typeName">The type's wire name, used in the messages.</param>
    /// <param name="newVersion">The version being checked.</param>
    /// <param name="newSchema">Its JSON Schema.</param>
    /// <param name="earlier">The earlier versions and their schemas, in any order; versions not below <paramref name="newVersion"/> are ignored.</param>
    /// <param name="mode">Non-transitive modes compare with the highest earlier version only, transitive modes with all of them.</param>
    public static IReadOnlyList<SchemaIncompatibility> Check(
        string typeName, int newVersion, JsonNode newSchema, IReadOnlyDictionary<int, JsonNode> earlier, CompatibilityMode mode)
    {
        ArgumentNullException.ThrowIfNull(typeName);
        ArgumentNullException.ThrowIfNull(newSchema);
        ArgumentNullException.ThrowIfNull(earlier);

        List<int> older = earlier.Keys.Where(v => v < newVersion).Order().ToList();
        if (older.Count == 0 || mode == CompatibilityMode.None)
        {
            return Array.Empty<SchemaIncompatibility>();
        }

        bool transitive = mode is CompatibilityMode.BackwardTransitive or CompatibilityMode.ForwardTransitive or CompatibilityMode.FullTransitive;
        bool backward = mode is CompatibilityMode.Backward or CompatibilityMode.BackwardTransitive or CompatibilityMode.Full or CompatibilityMode.FullTransitive;
        bool forward = mode is CompatibilityMode.Forward or CompatibilityMode.ForwardTransitive or CompatibilityMode.Full or CompatibilityMode.FullTransitive;

        var result = new List<SchemaIncompatibility>();
        foreach (int oldVersion in transitive ? older : [older[^1]])
        {
            JsonNode oldSchema = earlier[oldVersion];
            if (backward)
            {
                Add(result, typeName, oldVersion, newVersion, CompatibilityMode.Backward, ReaderWriterCheck.Check(newSchema, oldSchema));
            }

            if (forward)
            {
                Add(result, typeName, oldVersion, newVersion, CompatibilityMode.Forward, ReaderWriterCheck.Check(oldSchema, newSchema));
            }
        }

        return result;
    }

    /// <summary>The incompatibilities of one pair of versions under <paramref name="mode"/> (transitive modes act like their plain forms on one pair).</summary>
    public static IReadOnlyList<SchemaIncompatibility> CheckPair(
        string typeName, int oldVersion, JsonNode oldSchema, int newVersion, JsonNode newSchema, CompatibilityMode mode)
    {
        ArgumentNullException.ThrowIfNull(oldSchema);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(oldVersion, newVersion);
        return Check(typeName, newVersion, newSchema, new Dictionary<int, JsonNode> { [oldVersion] = oldSchema }, mode);
    }

    private static void Add(
        List<SchemaIncompatibility> result, string typeName, int oldVersion, int newVersion, CompatibilityMode direction,
        List<ReaderWriterCheck.Finding> findings)
    {
        foreach (ReaderWriterCheck.Finding finding in findings)
        {
            result.Add(new SchemaIncompatibility(typeName, oldVersion, newVersion, direction, finding.Path, finding.Rule, finding.Detail));
        }
    }
}
