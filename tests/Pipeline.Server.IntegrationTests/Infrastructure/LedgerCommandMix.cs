using System;
using System.Collections.Generic;
using System.Text;

namespace Pipeline.Server.IntegrationTests.Infrastructure;

/// <summary>
/// A seeded mix of ledger commands over its own accounts (prefix): opens, deposits, withdrawals, transfers, and some
/// that the ledger rejects (an account opened twice, a deposit to an unknown account, overdrafts).
/// </summary>
/// <remarks>One instance per producer; not thread-safe.</remarks>
internal sealed class LedgerCommandMix(Random random, string prefix)
{
    private readonly List<string> _accounts = [];

    public List<(string Type, ReadOnlyMemory<byte> Payload)> Next(int count)
    {
        var commands = new List<(string, ReadOnlyMemory<byte>)>(count);
        for (int i = 0; i < count; i++)
        {
            commands.Add(Next());
        }

        return commands;
    }

    private (string Type, ReadOnlyMemory<byte> Payload) Next()
    {
        int roll = _accounts.Count < 3 ? 0 : random.Next(100);
        return roll switch
        {
            < 10 => Open(),
            < 13 => Command("ledger.open", $"{{\"account\": \"{Any()}\"}}"), // rejected: already open
            < 45 => Command("ledger.deposit", $"{{\"account\": \"{Any()}\", \"amount\": {random.Next(1, 100)}}}"),
            < 48 => Command("ledger.deposit", $"{{\"account\": \"{prefix}-none\", \"amount\": 5}}"), // rejected: no such account
            < 70 => Command("ledger.withdraw", $"{{\"account\": \"{Any()}\", \"amount\": {random.Next(1, 150)}}}"), // some overdraw
            _ => Command("ledger.transfer", $"{{\"from\": \"{Any()}\", \"to\": \"{Any()}\", \"amount\": {random.Next(1, 120)}}}"),
        };
    }

    private (string, ReadOnlyMemory<byte>) Open()
    {
        string account = $"{prefix}-{_accounts.Count}";
        _accounts.Add(account);
        return Command("ledger.open", $"{{\"account\": \"{account}\"}}");
    }

    private string Any() => _accounts[random.Next(_accounts.Count)];

    private static (string, ReadOnlyMemory<byte>) Command(string type, string json) => (type, Encoding.UTF8.GetBytes(json));
}
