using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Pipeline.Ledger;
using Pipeline.Streams.Hosting;
using Xunit;

namespace Pipeline.Server.Tests;

public sealed class LedgerSettingsTests
{
    private static readonly long Base = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();

    [Fact]
    public void CreateLedger_NoLedgerSection_UsesTheDefaults()
    {
        LedgerApplication ledger = LedgerSettings.CreateLedger(Configuration(("Other:Key", "1")));

        Assert.Equal(new[] { "ledger.deposit-stats", "ledger.busiest-accounts" }, ledger.Streams.Select(s => s.Name));
        Assert.Equal(LedgerStreamOptions.Default.BusiestTop, ledger.Streams[1].Top);
        Assert.Equal(
            (TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(1)),
            WindowsOf(ledger));
    }

    [Fact]
    public void CreateLedger_ConfiguredValues_AreUsedByTheStreams()
    {
        LedgerApplication ledger = LedgerSettings.CreateLedger(Configuration(
            ("Ledger:DepositWindow", "00:00:20"),
            ("Ledger:DepositSlide", "00:00:04"),
            ("Ledger:BusiestWindow", "00:05:00"),
            ("Ledger:BusiestTop", "3")));

        Assert.Equal(3, ledger.Streams[1].Top);
        Assert.Equal(
            (TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(4), TimeSpan.FromMinutes(5)),
            WindowsOf(ledger));
    }

    [Fact]
    public void CreateLedger_SlideEqualToWindow_IsValid()
    {
        LedgerApplication ledger = LedgerSettings.CreateLedger(Configuration(
            ("Ledger:DepositWindow", "00:00:30"),
            ("Ledger:DepositSlide", "00:00:30"),
            ("Ledger:BusiestTop", "1000")));

        Assert.Equal(1000, ledger.Streams[1].Top);
        Assert.Equal((TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1)), WindowsOf(ledger));
    }

    [Theory]
    [InlineData("Ledger:DepositWindow", "00:00:00", "Ledger:DepositWindow")]
    [InlineData("Ledger:DepositWindow", "-00:00:05", "Ledger:DepositWindow")]
    [InlineData("Ledger:DepositSlide", "00:00:00", "Ledger:DepositSlide")]
    [InlineData("Ledger:DepositSlide", "-00:00:01", "Ledger:DepositSlide")]
    [InlineData("Ledger:DepositSlide", "00:00:11", "Ledger:DepositSlide")]
    [InlineData("Ledger:BusiestWindow", "00:00:00", "Ledger:BusiestWindow")]
    [InlineData("Ledger:BusiestWindow", "-00:01:00", "Ledger:BusiestWindow")]
    [InlineData("Ledger:BusiestTop", "0", "Ledger:BusiestTop")]
    [InlineData("Ledger:BusiestTop", "-1", "Ledger:BusiestTop")]
    [InlineData("Ledger:BusiestTop", "1001", "Ledger:BusiestTop")]
    public void CreateLedger_InvalidValue_ThrowsNamingTheKey(string key, string value, string named)
    {
        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => LedgerSettings.CreateLedger(Configuration((key, value))));

        Assert.Contains(error.Failures, f => f.StartsWith(named + ":", StringComparison.Ordinal));
        Assert.Equal("Ledger", error.OptionsName);
    }

    [Fact]
    public void CreateLedger_SlideValidWithTheDefaultWindowOnly_IsCheckedAgainstTheConfiguredWindow()
    {
        // 8 s is under the default 10 s window but above a configured 6 s one.
        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => LedgerSettings.CreateLedger(Configuration(
            ("Ledger:DepositWindow", "00:00:06"),
            ("Ledger:DepositSlide", "00:00:08"))));

        string failure = Assert.Single(error.Failures);
        Assert.StartsWith("Ledger:DepositSlide:", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateLedger_SeveralInvalidValues_ReportsEachKey()
    {
        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => LedgerSettings.CreateLedger(Configuration(
            ("Ledger:DepositSlide", "00:01:00"),
            ("Ledger:BusiestWindow", "00:00:00"),
            ("Ledger:BusiestTop", "5000"))));

        Assert.Equal(
            new[] { "Ledger:DepositSlide", "Ledger:BusiestWindow", "Ledger:BusiestTop" },
            error.Failures.Select(f => f[..f.IndexOf(':', "Ledger:".Length)]));
    }

    /// <summary>The window sizes the ledger's streams use, read from the results of a run over two deposits.</summary>
    private static (TimeSpan DepositWindow, TimeSpan DepositSlide, TimeSpan BusiestWindow) WindowsOf(LedgerApplication ledger)
    {
        var output = new Output();
        var runner = new StreamRunner<LedgerEvent>(ledger.Streams, output);
        var deposit = new LedgerEvent(LedgerEventKind.Deposited, "a", "account-a", Amount: 5, Balance: 5, Version: 1);
        runner.OnEvent(deposit, Base);
        runner.OnTick(Base + TimeSpan.TicksPerDay);

        // A single event lies in size/slide deposit windows; the first starts one window minus one slide before it.
        List<(long Start, long End)> deposits = output.Windows(LedgerStreams.DepositStatsName);
        long window = deposits[0].End - deposits[0].Start;
        long slide = deposits.Count > 1 ? deposits[1].Start - deposits[0].Start : window;
        (long start, long end) = Assert.Single(output.Windows(LedgerStreams.BusiestAccountsName));
        Assert.Equal(window / slide, deposits.Count);
        return (TimeSpan.FromTicks(window), TimeSpan.FromTicks(slide), TimeSpan.FromTicks(end - start));
    }

    private sealed class Output : IStreamOutput
    {
        private readonly List<(string Stream, long Start, long End)> _windows = new();

        public List<(long Start, long End)> Windows(string stream) =>
            _windows.Where(w => w.Stream == stream).Select(w => (w.Start, w.End)).ToList();

        public void Result(StreamDefinition stream, string? key, long windowEnd, ReadOnlySpan<byte> payload)
        {
            using JsonDocument document = JsonDocument.Parse(payload.ToArray());
            long start = Ticks(document.RootElement.GetProperty("start"));
            long end = Ticks(document.RootElement.GetProperty("end"));
            Assert.Equal(windowEnd, end);
            _windows.Add((stream.Name, start, end));
        }

        private static long Ticks(JsonElement time) =>
            DateTime.Parse(time.GetString()!, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind).Ticks;

        public void Late(StreamDefinition stream, ReadOnlySpan<byte> payload) => throw new InvalidOperationException("No event is late here.");
    }
}
