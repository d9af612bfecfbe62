using System;
using BenchmarkDotNet.Attributes;
using Pipeline.Ledger;
using Pipeline.Schemas.Upcasting;

namespace Pipeline.Benchmarks;

/// <summary>
/// What the upcaster chain adds to the decode stage per <c>ledger.deposit</c>: the parse of a version 2 deposit alone
/// (the baseline), a version 1 deposit as clients send it (RemoveMember's fast path: two vectorised scans, no
/// parse), and a version 1 deposit that carries a <c>reference</c> (parsed and copied without it).
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Upcast")]
public class UpcastBenchmarks
{
    private readonly AccountIdTable _known = new();
    private readonly UpcastBuffers _scratch = new();
    private byte[] _plain = [];
    private byte[] _withReference = [];
    private int _deposit;

    [GlobalSetup]
    public void Setup()
    {
        ProbeLog.Record("Upcast");
        _plain = "{\"account\":\"acct-000042\",\"amount\":2500,\"expectedVersion\":7}"u8.ToArray();
        _withReference = "{\"account\":\"acct-000042\",\"amount\":2500,\"reference\":\"inv-2026-0042\",\"expectedVersion\":7}"u8.ToArray();
        _deposit = LedgerUpcasters.Chain.IndexOf("ledger.deposit");
        _known.Add("acct-000042", 0);
        if (!Decode(_plain, LedgerCommandParser.DepositReferenceVersion) || !Decode(_withReference, LedgerCommandParser.SchemaVersion))
        {
            throw new InvalidOperationException("The benchmark's deposits do not decode.");
        }
    }

    [Benchmark(Baseline = true)]
    public bool ParseVersion2() => Parse(_plain, LedgerCommandParser.DepositReferenceVersion);

    [Benchmark]
    public bool UpcastAndParseVersion1() => Decode(_plain, LedgerCommandParser.SchemaVersion);

    [Benchmark]
    public bool UpcastAndParseVersion1WithReference() => Decode(_withReference, LedgerCommandParser.SchemaVersion);

    // As the decode stage: upcast, then the decoder with the newest version.
    private bool Decode(byte[] payload, ushort version)
    {
        ReadOnlySpan<byte> newest = LedgerUpcasters.Chain.Upcast(_deposit, version, payload, _scratch, out ushort newestVersion);
        return LedgerCommandParser.TryParse(LedgerCommandKind.Deposit, newestVersion, newest, _known, out _, out _, out _);
    }

    private bool Parse(byte[] payload, ushort version) =>
        LedgerCommandParser.TryParse(LedgerCommandKind.Deposit, version, payload, _known, out _, out _, out _);
}
