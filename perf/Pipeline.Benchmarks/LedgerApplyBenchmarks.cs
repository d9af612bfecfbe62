using System;
using BenchmarkDotNet.Attributes;
using Pipeline.Ledger;

namespace Pipeline.Benchmarks;

/// <summary>
/// The ledger stage's cost per command on a ledger of 10,000 accounts (the load generator's size), over a fixed,
/// seeded mix of 1,024 deposits and transfers on random accounts: applying a command and then reading back what it
/// left (the ledger stage did this until it took <see cref="AccountChange"/> from <see cref="LedgerState.Apply(in LedgerCommand, out AccountChange)"/>),
/// against applying it with the change handed out. The difference is one dictionary lookup per account touched.
/// </summary>
[BenchmarkCategory("LedgerApply")]
public class LedgerApplyBenchmarks
{
    private const int Accounts = 10_000;
    private const int Commands = 1_024;
    private readonly LedgerState _state = new();
    private readonly LedgerCommand[] _commands = new LedgerCommand[Commands];

    [GlobalSetup]
    public void Setup()
    {
        ProbeLog.Record("LedgerApply");
        var ids = new string[Accounts];
        for (int i = 0; i < Accounts; i++)
        {
            ids[i] = "acct-" + i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
            Accept(new LedgerCommand(LedgerCommandKind.Open, ids[i], null, 0, -1));
            Accept(new LedgerCommand(LedgerCommandKind.Deposit, ids[i], null, 1_000_000_000_000, -1));
        }

        var random = new Random(7);
        for (int i = 0; i < Commands; i++)
        {
            string a = ids[random.Next(Accounts)];
            string b = ids[random.Next(Accounts)];
            _commands[i] = i % 2 == 0 || a == b
                ? new LedgerCommand(LedgerCommandKind.Deposit, a, null, 1 + random.Next(100), -1)
                : new LedgerCommand(LedgerCommandKind.Transfer, a, b, 1 + random.Next(100), -1);
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Commands)]
    public long ApplyThenLookUp()
    {
        long sum = 0;
        foreach (ref readonly LedgerCommand command in _commands.AsSpan())
        {
            if (_state.Apply(command) is null)
            {
                _state.TryGetAccount(command.Account, out long balance, out long version);
                sum += balance + version;
                if (command.To is { } to)
                {
                    _state.TryGetAccount(to, out balance, out version);
                    sum += balance + version;
                }
            }
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Commands)]
    public long ApplyWithChange()
    {
        long sum = 0;
        foreach (ref readonly LedgerCommand command in _commands.AsSpan())
        {
            if (_state.Apply(command, out AccountChange changed) is null)
            {
                sum += changed.BalanceA + changed.VersionA + changed.BalanceB + changed.VersionB;
            }
        }

        return sum;
    }

    private void Accept(LedgerCommand command)
    {
        if (_state.Apply(command) is { } reason)
        {
            throw new InvalidOperationException($"Set-up command refused: {reason}.");
        }
    }
}
