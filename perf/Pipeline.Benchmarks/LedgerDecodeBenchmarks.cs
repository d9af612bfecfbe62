using System;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using BenchmarkDotNet.Attributes;
using Pipeline.Ledger;
using Pipeline.Ledger.Catalog;
using Pipeline.Schemas.Validation;

namespace Pipeline.Benchmarks;

/// <summary>
/// The decode stage's cost per ledger command: <see cref="LedgerCommandParser.KindOf"/> on the type, then
/// <see cref="LedgerCommandParser.TryParse"/> on the JSON payload, over a fixed mix of 16 commands (2 open, 5
/// deposit, 3 withdraw, 6 transfer; 5 of them carry expectedVersion). Allocated bytes per command are today's
/// account strings (one per command, two per transfer); with the ledger's known ids (as the server decodes) none.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("LedgerDecode")]
public class LedgerDecodeBenchmarks
{
    private const int Commands = 16;
    private const int ManyAccounts = 10_000;
    private const int ManyCommands = 4096;

    private static readonly (string Type, string Json)[] s_mix =
    [
        ("ledger.open", "{\"account\":\"acct-000042\"}"),
        ("ledger.deposit", "{\"account\":\"acct-000042\",\"amount\":2500}"),
        ("ledger.transfer", "{\"from\":\"acct-000042\",\"to\":\"acct-000917\",\"amount\":300}"),
        ("ledger.withdraw", "{\"account\":\"acct-000917\",\"amount\":120}"),
        ("ledger.deposit", "{\"account\":\"acct-000311\",\"amount\":75}"),
        ("ledger.transfer", "{\"from\":\"acct-000311\",\"to\":\"acct-000042\",\"amount\":40,\"expectedVersion\":7}"),
        ("ledger.open", "{\"account\":\"acct-001203\",\"expectedVersion\":0}"),
        ("ledger.deposit", "{\"account\":\"acct-001203\",\"amount\":100000,\"expectedVersion\":1}"),
        ("ledger.transfer", "{\"from\":\"acct-001203\",\"to\":\"acct-000311\",\"amount\":999}"),
        ("ledger.withdraw", "{\"account\":\"acct-000042\",\"amount\":15,\"expectedVersion\":12}"),
        ("ledger.transfer", "{\"from\":\"acct-000917\",\"to\":\"acct-001203\",\"amount\":1}"),
        ("ledger.deposit", "{\"account\":\"acct-000917\",\"amount\":640}"),
        ("ledger.transfer", "{\"from\":\"acct-000042\",\"to\":\"acct-000311\",\"amount\":5000,\"expectedVersion\":15}"),
        ("ledger.withdraw", "{\"account\":\"acct-000311\",\"amount\":60}"),
        ("ledger.deposit", "{\"account\":\"acct-000042\",\"amount\":33}"),
        ("ledger.transfer", "{\"from\":\"acct-000311\",\"to\":\"acct-000917\",\"amount\":250}"),
    ];

    private byte[][] _types = [];
    private byte[][] _payloads = [];
    private readonly AccountIdTable _knownAccounts = new();
    private readonly AccountIdTable _manyKnownAccounts = new();
    private byte[][] _manyTypes = [];
    private byte[][] _manyPayloads = [];
    private PayloadValidator[] _manyValidators = [];

    [GlobalSetup]
    public void Setup()
    {
        ProbeLog.Record("LedgerDecode");
        if (s_mix.Length != Commands)
        {
            throw new InvalidOperationException($"The mix has {s_mix.Length} commands, expected {Commands}.");
        }

        _types = new byte[Commands][];
        _payloads = new byte[Commands][];
        for (int i = 0; i < Commands; i++)
        {
            _types[i] = Encoding.UTF8.GetBytes(s_mix[i].Type);
            _payloads[i] = Encoding.UTF8.GetBytes(s_mix[i].Json);
        }

        // What the server's decoders share with the ledger: every account of the mix is open.
        int slot = 0;
        foreach (string id in new[] { "acct-000042", "acct-000917", "acct-000311", "acct-001203" })
        {
            _knownAccounts.Add(id, slot++);
        }

        // The load generator's shape: 10,000 open accounts, commands naming them at random (seeded), so that the
        // id lookups miss the caches as they do in the server rather than hitting four hot entries.
        for (int i = 0; i < ManyAccounts; i++)
        {
            _manyKnownAccounts.Add(ManyAccountId(i), i);
        }

        var random = new Random(42);
        _manyTypes = new byte[ManyCommands][];
        _manyPayloads = new byte[ManyCommands][];
        for (int i = 0; i < ManyCommands; i++)
        {
            string a = ManyAccountId(random.Next(ManyAccounts));
            string b = ManyAccountId(random.Next(ManyAccounts));
            (string type, string json) = (i % 3) switch
            {
                0 => ("ledger.deposit", $"{{\"account\":\"{a}\",\"amount\":{1 + random.Next(1000)}}}"),
                1 => ("ledger.withdraw", $"{{\"account\":\"{a}\",\"amount\":{1 + random.Next(1000)}}}"),
                _ => ("ledger.transfer", $"{{\"from\":\"{a}\",\"to\":\"{b}\",\"amount\":{1 + random.Next(1000)}}}"),
            };
            _manyTypes[i] = Encoding.UTF8.GetBytes(type);
            _manyPayloads[i] = Encoding.UTF8.GetBytes(json);
        }

        // The published version 1 schemas, compiled as the engine's decode stage compiles them (Pipeline:Schemas:Validation=All).
        PayloadValidator deposit = PayloadValidator.For(typeof(DepositV1));
        PayloadValidator withdraw = PayloadValidator.For(typeof(WithdrawV1));
        PayloadValidator transfer = PayloadValidator.For(typeof(TransferV1));
        _manyValidators = new PayloadValidator[ManyCommands];
        for (int i = 0; i < ManyCommands; i++)
        {
            _manyValidators[i] = (i % 3) switch { 0 => deposit, 1 => withdraw, _ => transfer };
        }
    }

    [GlobalCleanup]
    public void Cleanup() => ProbeLog.Record(nameof(LedgerDecodeBenchmarks), "cleanup");

    /// <summary>The type lookup alone (no payload): the floor of the decode.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Commands)]
    public int KindOf_Mix()
    {
        byte[][] types = _types;
        int checksum = 0;
        for (int i = 0; i < types.Length; i++)
        {
            checksum += (int)LedgerCommandParser.KindOf(types[i]);
        }

        return checksum;
    }

    /// <summary>KindOf then TryParse of the payload: the whole decode of one command.</summary>
    [Benchmark(OperationsPerInvoke = Commands)]
    public long Decode_Mix()
    {
        byte[][] types = _types;
        byte[][] payloads = _payloads;
        long checksum = 0;
        for (int i = 0; i < types.Length; i++)
        {
            LedgerCommandKind kind = LedgerCommandParser.KindOf(types[i]);
            if (!LedgerCommandParser.TryParse(kind, payloads[i], out LedgerCommand command, out _))
            {
                ThrowRejected();
            }

            checksum += command.Amount + command.ExpectedVersion + command.Account.Length + (command.To?.Length ?? 0);
        }

        return checksum;
    }

    /// <summary>As <see cref="Decode_Mix"/>, with the ledger's known account ids (the server's decode stage): no allocation.</summary>
    [Benchmark(OperationsPerInvoke = Commands)]
    public long Decode_Mix_KnownAccounts()
    {
        byte[][] types = _types;
        byte[][] payloads = _payloads;
        AccountIdTable known = _knownAccounts;
        long checksum = 0;
        for (int i = 0; i < types.Length; i++)
        {
            LedgerCommandKind kind = LedgerCommandParser.KindOf(types[i]);
            if (!LedgerCommandParser.TryParse(kind, payloads[i], known, out LedgerCommand command, out _))
            {
                ThrowRejected();
            }

            checksum += command.Amount + command.ExpectedVersion + command.Account.Length + (command.To?.Length ?? 0);
        }

        return checksum;
    }

    /// <summary>Commands over 10,000 known accounts, drawn at random: the id lookup as the server's decoders do it.</summary>
    [Benchmark(OperationsPerInvoke = ManyCommands)]
    public long Decode_TenThousandKnownAccounts()
    {
        byte[][] types = _manyTypes;
        byte[][] payloads = _manyPayloads;
        AccountIdTable known = _manyKnownAccounts;
        long checksum = 0;
        for (int i = 0; i < types.Length; i++)
        {
            LedgerCommandKind kind = LedgerCommandParser.KindOf(types[i]);
            if (!LedgerCommandParser.TryParse(kind, payloads[i], known, out LedgerCommand command, out AccountHints hints, out _))
            {
                ThrowRejected();
            }

            checksum += command.Amount + hints.Account + hints.To + command.Account.Length;
        }

        return checksum;
    }

    /// <summary>The schema check alone over the same commands: what Pipeline:Schemas:Validation=All adds per command.</summary>
    [Benchmark(OperationsPerInvoke = ManyCommands)]
    public int Validate_TenThousandKnownAccounts()
    {
        byte[][] payloads = _manyPayloads;
        PayloadValidator[] validators = _manyValidators;
        int valid = 0;
        for (int i = 0; i < payloads.Length; i++)
        {
            if (validators[i].Validate(payloads[i], out _))
            {
                valid++;
            }
        }

        if (valid != payloads.Length)
        {
            ThrowRejected();
        }

        return valid;
    }

    private static string ManyAccountId(int i) => "acct-" + i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    [DoesNotReturn]
    private static void ThrowRejected() => throw new InvalidOperationException("A command of the benchmark's mix does not parse.");
}
