using System;
using System.Collections.Generic;
using System.Text;
using Pipeline.Client;
using Pipeline.Projections;

namespace Pipeline.Projections.Tests;

// Ledger events as the service writes them (docs/event-store.md), from a seeded random workload, with the
// balances and versions they leave.
internal sealed class LedgerEvents
{
    public List<StoredEvent> Events { get; } = [];

    public Dictionary<string, (long Balance, long Version)> Accounts { get; } = new(StringComparer.Ordinal);

    public static LedgerEvents Generate(int commands, int seed)
    {
        var result = new LedgerEvents();
        var random = new Random(seed);
        for (ulong sequence = 1; sequence <= (ulong)commands; sequence++)
        {
            string a = "a-" + random.Next(6).ToString(System.Globalization.CultureInfo.InvariantCulture);
            string b = "a-" + random.Next(6).ToString(System.Globalization.CultureInfo.InvariantCulture);
            long amount = random.Next(1, 200);
            if (!result.Accounts.ContainsKey(a))
            {
                result.Add(sequence, a, "ledger.opened", $"{{\"account\":\"{a}\"}}", 0);
                continue;
            }

            switch (random.Next(3))
            {
                case 0:
                    result.Add(sequence, a, "ledger.deposited", $"{{\"account\":\"{a}\",\"amount\":{amount},\"balance\":{result.Accounts[a].Balance + amount}}}", amount);
                    break;
                case 1 when result.Accounts[a].Balance >= amount:
                    result.Add(sequence, a, "ledger.withdrawn", $"{{\"account\":\"{a}\",\"amount\":{amount},\"balance\":{result.Accounts[a].Balance - amount}}}", -amount);
                    break;
                case 2 when a != b && result.Accounts.ContainsKey(b) && result.Accounts[a].Balance >= amount:
                    result.Add(sequence, a, "ledger.transferred", $"{{\"from\":\"{a}\",\"to\":\"{b}\",\"amount\":{amount},\"account\":\"{a}\",\"balance\":{result.Accounts[a].Balance - amount}}}", -amount);
                    result.Add(sequence, b, "ledger.transferred", $"{{\"from\":\"{a}\",\"to\":\"{b}\",\"amount\":{amount},\"account\":\"{b}\",\"balance\":{result.Accounts[b].Balance + amount}}}", amount);
                    break;
                default:
                    break; // a rejected command: no event
            }
        }

        return result;
    }

    public List<FeedItem> Feed()
    {
        var items = new List<FeedItem>();
        foreach (StoredEvent e in Events)
        {
            items.Add(FeedItem.Of(e));
        }

        return items;
    }

    // The accounts as of the events up to position (what the tables must show at that checkpoint).
    public Dictionary<string, (long Balance, long Version)> AccountsAt(ulong position)
    {
        var accounts = new Dictionary<string, (long Balance, long Version)>(StringComparer.Ordinal);
        foreach (StoredEvent e in Events)
        {
            if (e.Position > position)
            {
                break;
            }

            using var document = System.Text.Json.JsonDocument.Parse(e.Payload);
            long balance = document.RootElement.TryGetProperty("balance", out System.Text.Json.JsonElement b) ? b.GetInt64() : 0;
            accounts[e.Stream["account-".Length..]] = (balance, (long)e.StreamVersion);
        }

        return accounts;
    }

    private void Add(ulong sequence, string account, string type, string payload, long change)
    {
        (long balance, long version) = Accounts.TryGetValue(account, out var current) ? current : (0, 0);
        Accounts[account] = (balance + change, version + 1);
        Events.Add(new StoredEvent((ulong)Events.Count + 1, sequence, 638_000_000_000_000_000 + (long)sequence * 10_000, 7, "account-" + account,
            (ulong)(version + 1), type, 1, Encoding.UTF8.GetBytes(payload)));
    }
}

// A feed from a list: the items after the asked position, or (replaying) every item, as a server that delivers
// at least once may.
internal sealed class ListFeed(IReadOnlyList<FeedItem> items, bool replayFromStart = false) : IProjectionFeed
{
    public async IAsyncEnumerable<FeedItem> ReadAsync(ulong afterPosition, [System.Runtime.CompilerServices.EnumeratorCancellation] System.Threading.CancellationToken cancellationToken)
    {
        foreach (FeedItem item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (replayFromStart || item.Position > afterPosition)
            {
                yield return item;
            }
        }

        await System.Threading.Tasks.Task.CompletedTask.ConfigureAwait(false);
    }
}
