using System;
using System.Collections.Generic;

namespace Pipeline.Schemas;

/// <summary>The code-first record of every type's schema versions: the single source the lock folder is written from and verified against.</summary>
/// <remarks>Not thread-safe: register everything at start-up, then only read.</remarks>
public sealed class SchemaRegistry
{
    private readonly SortedDictionary<string, SortedDictionary<int, SchemaRegistration>> _types = new(StringComparer.Ordinal);

    /// <summary>Every registration, ordered by type name, then version.</summary>
    public IReadOnlyList<SchemaRegistration> Registrations
    {
        get
        {
            var all = new List<SchemaRegistration>();
            foreach (SortedDictionary<int, SchemaRegistration> versions in _types.Values)
            {
                all.AddRange(versions.Values);
            }

            return all;
        }
    }

    /// <summary>Adds one version of a type.</summary>
    /// <remarks>
    /// The type name becomes a folder name in the lock folder, so it is restricted to lower-case letters, digits,
    /// '.', '-' and '_'; a version may be registered once.
    /// </remarks>
    public SchemaRegistry Register(string typeName, int version, Type clrType, CompatibilityMode mode = CompatibilityMode.Backward)
    {
        ArgumentException.ThrowIfNullOrEmpty(typeName);
        ArgumentNullException.ThrowIfNull(clrType);
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        if (!IsValidTypeName(typeName))
        {
            throw new ArgumentException(
                $"type name '{typeName}' must use only lower-case letters, digits, '.', '-' and '_', and not start with '.'",
                nameof(typeName));
        }

        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "mode must be a defined CompatibilityMode");
        }

        if (!_types.TryGetValue(typeName, out SortedDictionary<int, SchemaRegistration>? versions))
        {
            versions = new SortedDictionary<int, SchemaRegistration>();
            _types.Add(typeName, versions);
        }

        if (!versions.TryAdd(version, new SchemaRegistration(typeName, version, clrType, mode)))
        {
            throw new ArgumentException($"{typeName} v{version} is already registered", nameof(version));
        }

        return this;
    }

    /// <summary>The registered versions of one type, oldest first; empty when the type is unknown.</summary>
    public IReadOnlyList<SchemaRegistration> VersionsOf(string typeName)
    {
        ArgumentNullException.ThrowIfNull(typeName);
        return _types.TryGetValue(typeName, out SortedDictionary<int, SchemaRegistration>? versions)
            ? new List<SchemaRegistration>(versions.Values)
            : Array.Empty<SchemaRegistration>();
    }

    private static bool IsValidTypeName(string typeName)
    {
        if (typeName[0] == '.')
        {
            return false;
        }

        foreach (char c in typeName)
        {
            bool ok = c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-' or '_';
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
