using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;

namespace Pipeline.Schemas;

/// <summary>
/// The committed record of published schemas, like a lock file: <c>{folder}/{type}/v{version}.schema.json</c>.
/// A file, once committed, is the published contract of that version.
/// </summary>
public static class SchemaLockFolder
{
    private const string FilePrefix = "v";
    private const string FileSuffix = ".schema.json";

    /// <summary>The relative path of one version's file inside the folder.</summary>
    public static string RelativePathOf(string typeName, int version)
    {
        ArgumentNullException.ThrowIfNull(typeName);
        return Path.Combine(typeName, FilePrefix + version.ToString(CultureInfo.InvariantCulture) + FileSuffix);
    }

    /// <summary>Writes the file of every registered version that has none yet, and returns the paths written.</summary>
    /// <remarks>
    /// Existing files are never overwritten: a published version is changed only by deleting its file on purpose,
    /// so running this after an accidental edit cannot silently re-publish it. Blocks on file I/O.
    /// </remarks>
    public static IReadOnlyList<string> WriteMissing(SchemaRegistry registry, string folder)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentException.ThrowIfNullOrEmpty(folder);

        var written = new List<string>();
        foreach (SchemaRegistration registration in registry.Registrations)
        {
            string path = Path.Combine(folder, RelativePathOf(registration.TypeName, registration.Version));
            if (File.Exists(path))
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, SchemaExporter.ToCanonicalText(SchemaExporter.Export(registration.ClrType)));
            written.Add(path);
        }

        return written;
    }

    /// <summary>Compares the folder with the code: published versions must be unchanged and still registered, new versions compatible by their mode.</summary>
    /// <remarks>A missing folder counts as empty (nothing published yet). Blocks on file I/O.</remarks>
    public static SchemaLockReport Verify(SchemaRegistry registry, string folder)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentException.ThrowIfNullOrEmpty(folder);

        Dictionary<string, SortedDictionary<int, JsonNode>> published = ReadPublished(folder);
        var problems = new List<SchemaLockProblem>();
        var unpublished = new List<SchemaRegistration>();

        IEnumerable<string> typeNames = published.Keys
            .Union(registry.Registrations.Select(r => r.TypeName), StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        foreach (string typeName in typeNames)
        {
            published.TryGetValue(typeName, out SortedDictionary<int, JsonNode>? committed);
            committed ??= new SortedDictionary<int, JsonNode>();
            IReadOnlyList<SchemaRegistration> registered = registry.VersionsOf(typeName);

            // Earlier versions for the compatibility check: the committed text where there is one (that is what
            // was published, even if the code drifted), the generated schema for versions not yet committed.
            var history = new Dictionary<int, JsonNode>(committed);
            foreach (SchemaRegistration registration in registered)
            {
                JsonNode generated = SchemaExporter.Export(registration.ClrType);
                if (committed.TryGetValue(registration.Version, out JsonNode? file))
                {
                    string? difference = FirstDifference(file, generated, "$");
                    if (difference is not null)
                    {
                        problems.Add(new SchemaLockProblem(typeName, registration.Version, difference, SchemaLockProblem.PublishedSchemaChanged,
                            $"{typeName} v{registration.Version} is published but its generated schema changed at {difference} " +
                            $"(committed {Show(file, difference)}, generated {Show(generated, difference)}); " +
                            $"restore the type, or add v{registration.Version + 1} for the change (file {RelativePathOf(typeName, registration.Version)})"));
                    }

                    continue;
                }

                history[registration.Version] = generated;
                unpublished.Add(registration);
                foreach (SchemaIncompatibility incompatibility in SchemaCompatibilityChecker.Check(
                    typeName, registration.Version, generated, history, registration.Mode))
                {
                    problems.Add(new SchemaLockProblem(typeName, registration.Version, incompatibility.Path, incompatibility.Rule,
                        $"{incompatibility.Message} [mode {ModeName(registration.Mode)}]"));
                }
            }

            foreach (int version in committed.Keys.Where(v => registered.All(r => r.Version != v)))
            {
                problems.Add(new SchemaLockProblem(typeName, version, "$", SchemaLockProblem.PublishedVersionNotRegistered,
                    $"{typeName} v{version} is published ({RelativePathOf(typeName, version)}) but no longer registered; " +
                    "data written with it could no longer be read, so register it again"));
            }
        }

        return new SchemaLockReport(problems, unpublished);
    }

    /// <summary>The mode as Confluent Schema Registry spells it, such as <c>BACKWARD_TRANSITIVE</c>.</summary>
    public static string ModeName(CompatibilityMode mode) => mode switch
    {
        CompatibilityMode.Backward => "BACKWARD",
        CompatibilityMode.BackwardTransitive => "BACKWARD_TRANSITIVE",
        CompatibilityMode.Forward => "FORWARD",
        CompatibilityMode.ForwardTransitive => "FORWARD_TRANSITIVE",
        CompatibilityMode.Full => "FULL",
        CompatibilityMode.FullTransitive => "FULL_TRANSITIVE",
        _ => "NONE",
    };

    /// <summary>The path of the first place where two schemas differ, in ordinal key order, or null when they are equal.</summary>
    internal static string? FirstDifference(JsonNode? committed, JsonNode? generated, string path)
    {
        if (committed is JsonObject a && generated is JsonObject b)
        {
            foreach (string key in a.Select(e => e.Key).Union(b.Select(e => e.Key), StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                string child = path + "." + key;
                if (!a.ContainsKey(key) || !b.ContainsKey(key))
                {
                    return child;
                }

                string? inner = FirstDifference(a[key], b[key], child);
                if (inner is not null)
                {
                    return inner;
                }
            }

            return null;
        }

        if (committed is JsonArray x && generated is JsonArray y && x.Count == y.Count)
        {
            for (int i = 0; i < x.Count; i++)
            {
                string? inner = FirstDifference(x[i], y[i], path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]");
                if (inner is not null)
                {
                    return inner;
                }
            }

            return null;
        }

        return JsonNode.DeepEquals(committed, generated) ? null : path;
    }

    private static Dictionary<string, SortedDictionary<int, JsonNode>> ReadPublished(string folder)
    {
        var published = new Dictionary<string, SortedDictionary<int, JsonNode>>(StringComparer.Ordinal);
        if (!Directory.Exists(folder))
        {
            return published;
        }

        foreach (string typeFolder in Directory.GetDirectories(folder))
        {
            var versions = new SortedDictionary<int, JsonNode>();
            foreach (string file in Directory.GetFiles(typeFolder, FilePrefix + "*" + FileSuffix))
            {
                string name = Path.GetFileName(file);
                string number = name[FilePrefix.Length..^FileSuffix.Length];
                if (!int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out int version))
                {
                    throw new InvalidDataException($"'{file}' is not named v<version>{FileSuffix}");
                }

                JsonNode schema = JsonNode.Parse(File.ReadAllText(file))
                    ?? throw new InvalidDataException($"'{file}' does not hold a JSON Schema");
                versions.Add(version, SchemaExporter.Normalize(schema));
            }

            published.Add(Path.GetFileName(typeFolder), versions);
        }

        return published;
    }

    private static string Show(JsonNode root, string path)
    {
        JsonNode? node = root;
        foreach (string segment in path.Split('.').Skip(1))
        {
            string key = segment;
            int bracket = key.IndexOf('[', StringComparison.Ordinal);
            int? index = null;
            if (bracket >= 0)
            {
                index = int.Parse(key[(bracket + 1)..^1], CultureInfo.InvariantCulture);
                key = key[..bracket];
            }

            if (node is not JsonObject obj || !obj.TryGetPropertyValue(key, out node))
            {
                return "(absent)";
            }

            if (index is int i)
            {
                node = node is JsonArray array && i < array.Count ? array[i] : null;
            }
        }

        return node?.ToJsonString() ?? "(absent)";
    }
}
