using System;
using System.Buffers;
using System.Collections.Generic;
using System.Text.Json;
using Pipeline.Streams;
using Pipeline.Streams.Hosting;

namespace Pipeline.Ledger;

/// <summary>The windows of the ledger's built-in stream processing (docs/streams.md, "The ledger's windows").</summary>
/// <param name="DepositWindow">The size of the deposit statistics' sliding window (10 s).</param>
/// <param name="DepositSlide">How often it slides (5 s).</param>
/// <param name="BusiestWindow">The busiest accounts' tumbling window (1 minute).</param>
/// <param name="BusiestTop">How many accounts each busiest-accounts result names (10).</param>
public sealed record LedgerStreamOptions(TimeSpan DepositWindow, TimeSpan DepositSlide, TimeSpan BusiestWindow, int BusiestTop)
{
    /// <summary>10 s sliding every 5 s; the 10 busiest accounts per minute.</summary>
    public static LedgerStreamOptions Default { get; } = new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(1), 10);
}

/// <summary>The count, sum and mean of the deposits in one window.</summary>
/// <param name="Count">Deposits.</param>
/// <param name="Sum">Their amounts' sum.</param>
public readonly record struct DepositStats(long Count, long Sum)
{
    /// <summary>The mean deposit amount (0 for none).</summary>
    public double Average => Count == 0 ? 0 : (double)Sum / Count;
}

/// <summary>
/// The ledger's flows: <c>ledger.deposit-stats</c> (count, sum and average deposit amount per window sliding over
/// every deposit) and <c>ledger.busiest-accounts</c> (per tumbling window, the accounts with the most money
/// movements: deposits, withdrawals and both sides of transfers).
/// </summary>
public static class LedgerStreams
{
    /// <summary>The result type (and stream) of the deposit statistics.</summary>
    public const string DepositStatsName = "ledger.deposit-stats";

    /// <summary>The result type (and stream) of the busiest accounts.</summary>
    public const string BusiestAccountsName = "ledger.busiest-accounts";

    /// <summary>The definitions, the same in the service and in a consumer process.</summary>
    public static IReadOnlyList<StreamDefinition<LedgerEvent>> Create(LedgerStreamOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        StreamDefinition<LedgerEvent> deposits = StreamDefinitions.Windowed<LedgerEvent, LedgerEvent, GlobalKey, DepositStats>(
            DepositStatsName,
            late => Flow.Of<LedgerEvent>()
                .Where(static e => e.Kind == LedgerEventKind.Deposited)
                .Window(Windows.Sliding(options.DepositWindow, options.DepositSlide), lateSink: late)
                .Aggregate(new DepositStatsAccumulator()),
            static (Utf8JsonWriter writer, in DepositStats stats) =>
            {
                writer.WriteStartObject();
                writer.WriteNumber("count"u8, stats.Count);
                writer.WriteNumber("sum"u8, stats.Sum);
                writer.WriteNumber("average"u8, stats.Average);
                writer.WriteEndObject();
            },
            writeLate: WriteEvent);
        StreamDefinition<LedgerEvent> busiest = StreamDefinitions.Windowed<LedgerEvent, LedgerEvent, string, long>(
            BusiestAccountsName,
            late => Flow.Of<LedgerEvent>()
                .Where(static e => e.Kind != LedgerEventKind.Opened)
                .KeyBy(static e => e.Account)
                .Window(Windows.Tumbling(options.BusiestWindow), lateSink: late)
                .Count(),
            static (Utf8JsonWriter writer, in long count) => writer.WriteNumberValue(count),
            keyText: static account => account,
            writeLate: WriteEvent,
            top: options.BusiestTop,
            rank: static (a, b) => b.CompareTo(a));
        return [deposits, busiest];
    }

    private static void WriteEvent(Utf8JsonWriter writer, in LedgerEvent e)
    {
        writer.WriteStartObject();
        writer.WriteString("kind"u8, e.Kind.ToString());
        writer.WriteString("account"u8, e.Account);
        writer.WriteNumber("amount"u8, e.Amount);
        writer.WriteEndObject();
    }

    private sealed class DepositStatsAccumulator : IAccumulator<LedgerEvent, DepositStats, DepositStats>, IStateSerializer<DepositStats>
    {
        public DepositStats Create() => default;

        public void Add(ref DepositStats accumulator, in LedgerEvent value) => accumulator = new(accumulator.Count + 1, accumulator.Sum + value.Amount);

        public void Merge(ref DepositStats accumulator, in DepositStats later) => accumulator = new(accumulator.Count + later.Count, accumulator.Sum + later.Sum);

        public DepositStats Result(in DepositStats accumulator) => accumulator;

        public void Write(IBufferWriter<byte> output, in DepositStats value)
        {
            StateBinary.WriteInt64(output, value.Count);
            StateBinary.WriteInt64(output, value.Sum);
        }

        public DepositStats Read(ref ReadOnlySpan<byte> input) => new(StateBinary.ReadInt64(ref input), StateBinary.ReadInt64(ref input));
    }
}
