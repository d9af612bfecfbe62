using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Pipeline.Application;

/// <summary>One command type an application accepts: its wire name and the schema versions it decodes.</summary>
public sealed class CommandType
{
    private readonly ushort[] _versions;

    /// <summary>Describes a command type.</summary>
    /// <exception cref="ArgumentException">The name is empty or starts with <c>$</c> (the engine's records), or the versions are empty.</exception>
    public CommandType(string name, params ushort[] schemaVersions)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(schemaVersions);
        if (name.StartsWith('$'))
        {
            throw new ArgumentException($"Command type names starting with '$' are the engine's own journal records: '{name}'.", nameof(name));
        }

        if (schemaVersions.Length == 0)
        {
            throw new ArgumentException("A command type needs at least one schema version.", nameof(schemaVersions));
        }

        Name = name;
        Utf8Name = Encoding.UTF8.GetBytes(name);
        _versions = [.. schemaVersions.Order()];
        SchemaVersions = _versions;
        Supported = string.Join(", ", _versions);
    }

    /// <summary>The type as it is on the wire (e.g. <c>ledger.deposit</c>).</summary>
    public string Name { get; }

    /// <summary>The name's UTF-8 bytes.</summary>
    public byte[] Utf8Name { get; }

    /// <summary>The schema versions accepted, ascending.</summary>
    public IReadOnlyList<ushort> SchemaVersions { get; }

    /// <summary>The versions as a list for messages (<c>1, 2</c>).</summary>
    public string Supported { get; }

    /// <summary>Whether <paramref name="schemaVersion"/> is one of <see cref="SchemaVersions"/>.</summary>
    /// <remarks>Called for every command: a loop over the array, not the interface (whose enumerator would be an allocation).</remarks>
    public bool Accepts(ushort schemaVersion) => Array.IndexOf(_versions, schemaVersion) >= 0;
}

/// <summary>The command types of an application, found by their UTF-8 wire name without allocating.</summary>
public sealed class CommandTypes
{
    private readonly CommandType[] _types;

    /// <summary>The application's command types; the index of each is what the decoder receives.</summary>
    /// <exception cref="ArgumentException">Two types share a name, or there is none.</exception>
    public CommandTypes(params CommandType[] types)
    {
        ArgumentNullException.ThrowIfNull(types);
        if (types.Length == 0)
        {
            throw new ArgumentException("An application accepts at least one command type.", nameof(types));
        }

        if (types.Select(t => t.Name).Distinct(StringComparer.Ordinal).Count() != types.Length)
        {
            throw new ArgumentException("Two command types share a name.", nameof(types));
        }

        _types = [.. types];
    }

    /// <summary>How many types.</summary>
    public int Count => _types.Length;

    /// <summary>The type at <paramref name="index"/>.</summary>
    public CommandType this[int index] => _types[index];

    /// <summary>The index of the type named <paramref name="utf8Name"/>, or -1.</summary>
    public int IndexOf(ReadOnlySpan<byte> utf8Name)
    {
        // A handful of types: a linear scan of short byte strings beats hashing them.
        for (int i = 0; i < _types.Length; i++)
        {
            if (utf8Name.SequenceEqual(_types[i].Utf8Name))
            {
                return i;
            }
        }

        return -1;
    }
}
