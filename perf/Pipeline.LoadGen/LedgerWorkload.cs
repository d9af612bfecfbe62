using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Pipeline.LoadGen;

/// <summary>
/// The ledger command mix, pre-encoded so that the generator spends its time on the wire, not on JSON:
/// 40% deposits, 30% withdrawals (some refused for insufficient funds), 25% transfers, 5% opens of existing
/// accounts (refused: account_exists), over many accounts. Seeded: the same seed gives the same commands.
/// </summary>
internal sealed class LedgerWorkload
{
    private readonly (string Type, ReadOnlyMemory<byte> Payload)[] _commands;
    private int _next;

    public LedgerWorkload(int seed, int accounts, int size = 16384)
    {
        var random = new Random(seed);
        _commands = new (string, ReadOnlyMemory<byte>)[size];
        for (int i = 0; i < size; i++)
        {
            int roll = random.Next(100);
            string a = Account(random.Next(accounts));
            string json;
            string type;
            if (roll < 40)
            {
                type = "ledger.deposit";
                json = $"{{\"account\":\"{a}\",\"amount\":{random.Next(1, 1000)}}}";
            }
            else if (roll < 70)
            {
                type = "ledger.withdraw";
                json = $"{{\"account\":\"{a}\",\"amount\":{random.Next(1, 2000)}}}";
            }
            else if (roll < 95)
            {
                type = "ledger.transfer";
                string b = Account(random.Next(accounts));
                json = $"{{\"from\":\"{a}\",\"to\":\"{b}\",\"amount\":{random.Next(1, 500)}}}";
            }
            else
            {
                type = "ledger.open";
                json = $"{{\"account\":\"{a}\"}}";
            }

            _commands[i] = (type, Encoding.UTF8.GetBytes(json));
        }
    }

    public static string Account(int index) => "acc-" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>The next command of the cycle; not thread-safe (one workload per connection).</summary>
    public (string Type, ReadOnlyMemory<byte> Payload) Next()
    {
        (string, ReadOnlyMemory<byte>) command = _commands[_next];
        if (++_next == _commands.Length)
        {
            _next = 0;
        }

        return command;
    }

    /// <summary>Commands that open every account and give it a starting balance.</summary>
    public static IEnumerable<(string Type, ReadOnlyMemory<byte> Payload)> Setup(int accounts)
    {
        for (int i = 0; i < accounts; i++)
        {
            yield return ("ledger.open", Encoding.UTF8.GetBytes($"{{\"account\":\"{Account(i)}\"}}"));
            yield return ("ledger.deposit", Encoding.UTF8.GetBytes($"{{\"account\":\"{Account(i)}\",\"amount\":100000}}"));
        }
    }
}
