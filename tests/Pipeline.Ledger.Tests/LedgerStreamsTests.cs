using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using Pipeline.Streams.Hosting;
using Xunit;

namespace Pipeline.Ledger.Tests;

public sealed class LedgerStreamsTests
{
    // Windows align to multiples of their size in absolute ticks: a base that is a multiple of every size the tests use.
    private static readonly long Base = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks / (TimeSpan.TicksPerMinute * 7) * (TimeSpan.TicksPerMinute * 7);

    [Fact]
    public void Create_DefaultOptions_NamesTheTwoStreams()
    {
        IReadOnlyList<StreamDefinition<LedgerEvent>> streams = LedgerStreams.Create(LedgerStreamOptions.Default);
        Assert.Equal(new[] { "ledger.deposit-stats", "ledger.busiest-accounts" }, streams.Select(s => s.Name));
        Assert.Equal(0, streams[0].Top);
        Assert.Equal(10, streams[1].Top);
        Assert.Equal("ledger.busiest-accounts.late", streams[1].LateType);
    }

    [Fact]
    public void DepositStats_OneWindow_CountsOnlyDeposits()
    {
        var options = new LedgerStreamOptions(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1), 3);
        var output = new Output();
        var runner = new StreamRunner<LedgerEvent>(LedgerStreams.Create(options), output);
        long second = TimeSpan.TicksPerSecond;

        runner.OnEvent(Event(LedgerEventKind.Opened, "a", 0), Base);
        runner.OnEvent(Event(LedgerEventKind.Deposited, "a", 5), Base + second);
        runner.OnEvent(Event(LedgerEventKind.Withdrawn, "a", 100), Base + (2 * second));
        runner.OnEvent(Event(LedgerEventKind.Deposited, "b", 10), Base + (3 * second));
        runner.OnEvent(Event(LedgerEventKind.TransferredIn, "b", 1_000), Base + (4 * second));
        runner.OnTick(Base + (10 * second));

        Result result = Assert.Single(output.Results, r => r.Stream == LedgerStreams.DepositStatsName);
        Assert.Null(result.Key);
        JsonElement json = result.Json;
        Assert.False(json.TryGetProperty("key", out _));
        Assert.Equal(Base, Ticks(json.GetProperty("start")));
        Assert.Equal(Base + (10 * second), Ticks(json.GetProperty("end")));
        JsonElement value = json.GetProperty("value");
        Assert.Equal(2, value.GetProperty("count").GetInt64());
        Assert.Equal(15, value.GetProperty("sum").GetInt64());
        Assert.Equal(7.5, value.GetProperty("average").GetDouble());
    }

    [Fact]
    public void DepositStats_OnRandomEvents_MatchesTheBruteForceReference()
    {
        int windows = 0;
        for (int seed = 0; seed < 100; seed++)
        {
            var random = new Random(61_000 + seed);
            long slide = random.Next(1, 6) * 10;
            long size = slide * random.Next(1, 5);
            var options = new LedgerStreamOptions(TimeSpan.FromTicks(size), TimeSpan.FromTicks(slide), TimeSpan.FromTicks(1_000), 5);
            List<Input> inputs = Generate(random, random.Next(0, 300), accounts: 6);
            var output = new Output();
            var runner = new StreamRunner<LedgerEvent>(LedgerStreams.Create(options), output);
            Feed(runner, inputs);

            var (accepted, late, watermark) = Accept(inputs, e => e.Kind == LedgerEventKind.Deposited, size, slide);
            var expected = new List<(long Start, long Count, long Sum, double Average)>();
            foreach (long start in accepted.SelectMany(e => StartsOf(e.Time, size, slide)).Distinct().Order())
            {
                if (start + size > watermark)
                {
                    continue;
                }

                var inWindow = accepted.Where(e => e.Time >= start && e.Time < start + size).ToList();
                long sum = inWindow.Sum(e => e.Event!.Value.Amount);
                expected.Add((start, inWindow.Count, sum, (double)sum / inWindow.Count));
            }

            var actual = output.Results.Where(r => r.Stream == LedgerStreams.DepositStatsName).Select(r =>
            {
                JsonElement value = r.Json.GetProperty("value");
                return (Ticks(r.Json.GetProperty("start")) - Base, value.GetProperty("count").GetInt64(),
                    value.GetProperty("sum").GetInt64(), value.GetProperty("average").GetDouble());
            }).ToList();

            Assert.True(expected.SequenceEqual(actual), $"seed {seed}, size {size}, slide {slide}: expected {expected.Count} windows, got {actual.Count}");
            Assert.Equal(late, runner.Streams[0].LateEventCount);
            windows += expected.Count;
        }

        Assert.True(windows > 1_000, $"{windows} windows");
    }

    [Fact]
    public void BusiestAccounts_OnRandomEvents_MatchesTheBruteForceReference()
    {
        int windows = 0;
        int truncated = 0;
        for (int seed = 0; seed < 100; seed++)
        {
            var random = new Random(71_000 + seed);
            long size = random.Next(1, 8) * 10;
            int top = random.Next(1, 6);
            var options = new LedgerStreamOptions(TimeSpan.FromTicks(10), TimeSpan.FromTicks(10), TimeSpan.FromTicks(size), top);
            List<Input> inputs = Generate(random, random.Next(0, 400), accounts: random.Next(1, 25));
            var output = new Output();
            var runner = new StreamRunner<LedgerEvent>(LedgerStreams.Create(options), output);
            Feed(runner, inputs);

            var (accepted, late, watermark) = Accept(inputs, e => e.Kind != LedgerEventKind.Opened, size, size);
            var expected = new List<(long Start, List<(string, long)> Top)>();
            foreach (long start in accepted.Select(e => StartsOf(e.Time, size, size).Single()).Distinct().Order())
            {
                if (start + size > watermark)
                {
                    continue;
                }

                // Accounts in the order first seen in the window; a stable sort keeps that order among equal counts.
                var counts = accepted.Where(e => e.Time >= start && e.Time < start + size)
                    .GroupBy(e => e.Event!.Value.Account)
                    .Select(g => (g.Key, (long)g.Count()))
                    .ToList();
                if (counts.Count > top)
                {
                    truncated++;
                }

                expected.Add((start, counts.OrderByDescending(c => c.Item2).Take(top).ToList()));
            }

            List<Result> results = output.Results.Where(r => r.Stream == LedgerStreams.BusiestAccountsName).ToList();
            Assert.True(expected.Count == results.Count, $"seed {seed}: expected {expected.Count} windows, got {results.Count}");
            for (int i = 0; i < expected.Count; i++)
            {
                JsonElement json = results[i].Json;
                Assert.Null(results[i].Key);
                Assert.Equal(Base + expected[i].Start + size, results[i].WindowEnd);
                Assert.Equal(Base + expected[i].Start, Ticks(json.GetProperty("start")));
                var actual = json.GetProperty("top").EnumerateArray()
                    .Select(e => (e.GetProperty("key").GetString()!, e.GetProperty("value").GetInt64()))
                    .ToList();
                Assert.True(expected[i].Top.SequenceEqual(actual), $"seed {seed}, window {expected[i].Start}: expected {string.Join(",", expected[i].Top)} got {string.Join(",", actual)}");
            }

            Assert.Equal(late, runner.Streams[1].LateEventCount);
            windows += expected.Count;
        }

        Assert.True(windows > 500, $"{windows} windows");
        Assert.True(truncated > 100, $"{truncated} windows with more accounts than the top");
    }

    [Fact]
    public void BusiestAccounts_OneWindow_CountsMoneyMovementsButNotOpenings()
    {
        var options = new LedgerStreamOptions(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(1), 2);
        var output = new Output();
        var runner = new StreamRunner<LedgerEvent>(LedgerStreams.Create(options), output);
        long t = Base;

        foreach (string account in new[] { "x", "y", "z" })
        {
            runner.OnEvent(Event(LedgerEventKind.Opened, account, 0), t++);
        }

        runner.OnEvent(Event(LedgerEventKind.Opened, "x", 0), t++);
        runner.OnEvent(Event(LedgerEventKind.Opened, "x", 0), t++);
        runner.OnEvent(Event(LedgerEventKind.Deposited, "y", 1), t++);
        runner.OnEvent(Event(LedgerEventKind.Withdrawn, "z", 1), t++);
        runner.OnEvent(Event(LedgerEventKind.TransferredOut, "z", 1), t++);
        runner.OnEvent(Event(LedgerEventKind.TransferredIn, "y", 1), t++);
        runner.OnEvent(Event(LedgerEventKind.Deposited, "x", 1), t++);
        runner.OnEvent(Event(LedgerEventKind.Deposited, "z", 1), t++);
        runner.OnTick(Base + TimeSpan.TicksPerMinute);

        Result result = Assert.Single(output.Results, r => r.Stream == LedgerStreams.BusiestAccountsName);
        Assert.Equal(Base + TimeSpan.TicksPerMinute, result.WindowEnd);
        var top = result.Json.GetProperty("top").EnumerateArray()
            .Select(e => (e.GetProperty("key").GetString()!, e.GetProperty("value").GetInt64()))
            .ToArray();
        Assert.Equal(new[] { ("z", 3L), ("y", 2L) }, top);
    }

    [Fact]
    public void LateDeposit_WritesKindAccountAndAmount()
    {
        var options = new LedgerStreamOptions(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(1), 2);
        var output = new Output();
        var runner = new StreamRunner<LedgerEvent>(LedgerStreams.Create(options), output);
        runner.OnEvent(Event(LedgerEventKind.Deposited, "a", 1), Base + TimeSpan.TicksPerMinute);
        runner.OnEvent(Event(LedgerEventKind.Deposited, "a", 1), Base + (3 * TimeSpan.TicksPerMinute));
        runner.OnEvent(Event(LedgerEventKind.Deposited, "b", 42), Base + 7);

        Assert.Equal(new[] { LedgerStreams.DepositStatsName, LedgerStreams.BusiestAccountsName }, output.LateEvents.Select(l => l.Stream));
        JsonElement late = output.LateEvents[0].Json;
        Assert.Equal(Base + 7, Ticks(late.GetProperty("time")));
        JsonElement e = late.GetProperty("event");
        Assert.Equal("Deposited", e.GetProperty("kind").GetString());
        Assert.Equal("b", e.GetProperty("account").GetString());
        Assert.Equal(42, e.GetProperty("amount").GetInt64());
        Assert.Equal(new long[] { 1, 1 }, runner.Streams.Select(s => s.LateEventCount));
    }

    private static LedgerEvent Event(LedgerEventKind kind, string account, long amount) =>
        new(kind, account, "account-" + account, Amount: amount, Balance: amount, Version: 1);

    private static List<Input> Generate(Random random, int count, int accounts)
    {
        var kinds = new[] { LedgerEventKind.Opened, LedgerEventKind.Deposited, LedgerEventKind.Withdrawn, LedgerEventKind.TransferredIn, LedgerEventKind.TransferredOut };
        var inputs = new List<Input>(count);
        long time = random.Next(0, 50);
        for (int i = 0; i < count; i++)
        {
            int roll = random.Next(100);
            if (roll < 3)
            {
                time += random.Next(1, 400);
            }

            if (roll >= 3 && roll < 8)
            {
                inputs.Add(new Input(time + random.Next(0, 10), null));
                continue;
            }

            time += random.Next(0, 6);
            long jitter = random.Next(0, 3) == 0 ? random.Next(0, 30) : 0;
            LedgerEventKind kind = kinds[random.Next(kinds.Length)];
            inputs.Add(new Input(Math.Max(0, time - jitter), Event(kind, "acct" + random.Next(accounts).ToString(CultureInfo.InvariantCulture), random.Next(1, 1_000))));
        }

        return inputs;
    }

    private static void Feed(StreamRunner<LedgerEvent> runner, IEnumerable<Input> inputs)
    {
        foreach (Input input in inputs)
        {
            if (input.Event is { } e)
            {
                runner.OnEvent(e, Base + input.Time);
            }
            else
            {
                runner.OnTick(Base + input.Time);
            }
        }
    }

    /// <summary>The events a window with no lateness accepts: the watermark is the highest time of a tick or an event the filter passes.</summary>
    private static (List<Input> Accepted, long Late, long Watermark) Accept(List<Input> inputs, Func<LedgerEvent, bool> filter, long size, long slide)
    {
        long? watermark = null;
        var accepted = new List<Input>();
        long late = 0;
        foreach (Input input in inputs)
        {
            if (input.Event is { } e && !filter(e))
            {
                continue;
            }

            watermark = watermark is null ? input.Time : Math.Max(watermark.Value, input.Time);
            if (input.Event is null)
            {
                continue;
            }

            if (StartsOf(input.Time, size, slide).Any(start => start + size <= watermark))
            {
                late++;
            }
            else
            {
                accepted.Add(input);
            }
        }

        return (accepted, late, watermark ?? long.MinValue);
    }

    private static IEnumerable<long> StartsOf(long time, long size, long slide)
    {
        long start = time / slide * slide;
        for (; start + size > time; start -= slide)
        {
            yield return start;
        }
    }

    private static long Ticks(JsonElement time)
    {
        string text = time.GetString()!;
        Assert.EndsWith("Z", text, StringComparison.Ordinal);
        DateTime parsed = DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        Assert.Equal(DateTimeKind.Utc, parsed.Kind);
        return parsed.Ticks;
    }

    private readonly record struct Input(long Time, LedgerEvent? Event);

    private sealed record Result(string Stream, string? Key, long WindowEnd, JsonElement Json);

    private sealed class Output : IStreamOutput
    {
        public List<Result> Results { get; } = new();

        public List<Result> LateEvents { get; } = new();

        public void Result(StreamDefinition stream, string? key, long windowEnd, ReadOnlySpan<byte> payload) =>
            Results.Add(new Result(stream.Name, key, windowEnd, JsonDocument.Parse(payload.ToArray()).RootElement.Clone()));

        public void Late(StreamDefinition stream, ReadOnlySpan<byte> payload) =>
            LateEvents.Add(new Result(stream.Name, null, 0, JsonDocument.Parse(payload.ToArray()).RootElement.Clone()));
    }
}
