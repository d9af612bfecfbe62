using System;
using System.Collections.Concurrent;

namespace Pipeline.Ledger;

/// <summary>
/// The account ids the ledger knows, shared with the decoders so that a command naming a known account reuses the
/// ledger's own string instead of allocating one per command (and per decode thread).
/// </summary>
/// <remarks>
/// Thread-safe: the ledger's thread adds, any number of decoders look up. It holds only accounts that were opened,
/// so it is as large as the ledger state and no client can grow it by naming accounts that do not exist.
/// </remarks>
public sealed class AccountIdTable
{
    private readonly ConcurrentDictionary<string, string> _ids = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _bySpan;

    /// <summary>An empty table.</summary>
    public AccountIdTable() => _bySpan = _ids.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>How many ids the table holds.</summary>
    public int Count => _ids.Count;

    /// <summary>Remembers <paramref name="id"/> (the instance the ledger keeps).</summary>
    public void Add(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        _ids.TryAdd(id, id);
    }

    /// <summary>The known instance equal to <paramref name="id"/>, else a new string (which is not added).</summary>
    public string GetOrCreate(ReadOnlySpan<char> id) => _bySpan.TryGetValue(id, out string? known) ? known : new string(id);
}
