using System;
using System.Collections.Generic;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Pipeline.Ledger;

namespace Pipeline.Server;

/// <summary>The ledger's own configuration, section <c>Ledger</c>: the sizes of its built-in windows (docs/streams.md).</summary>
internal sealed class LedgerSettings
{
    /// <summary>Ledger:DepositWindow: the deposit statistics' window (default 10 s).</summary>
    public TimeSpan DepositWindow { get; set; } = LedgerStreamOptions.Default.DepositWindow;

    /// <summary>Ledger:DepositSlide: how often it slides (default 5 s).</summary>
    public TimeSpan DepositSlide { get; set; } = LedgerStreamOptions.Default.DepositSlide;

    /// <summary>Ledger:BusiestWindow: the busiest accounts' tumbling window (default 1 minute).</summary>
    public TimeSpan BusiestWindow { get; set; } = LedgerStreamOptions.Default.BusiestWindow;

    /// <summary>Ledger:BusiestTop: accounts per busiest-accounts result (default 10).</summary>
    public int BusiestTop { get; set; } = LedgerStreamOptions.Default.BusiestTop;

    /// <summary>The ledger configured from <paramref name="configuration"/>'s <c>Ledger</c> section.</summary>
    /// <exception cref="OptionsValidationException">A window is not positive, the slide is above the window, or the top is not 1..1000.</exception>
    public static LedgerApplication CreateLedger(IConfiguration configuration)
    {
        var settings = new LedgerSettings();
        configuration.GetSection("Ledger").Bind(settings);
        var failures = new List<string>();
        if (settings.DepositWindow <= TimeSpan.Zero)
        {
            failures.Add($"Ledger:DepositWindow: {settings.DepositWindow} is not positive.");
        }

        if (settings.DepositSlide <= TimeSpan.Zero || settings.DepositSlide > settings.DepositWindow)
        {
            failures.Add($"Ledger:DepositSlide: {settings.DepositSlide} must be positive and at most Ledger:DepositWindow ({settings.DepositWindow}).");
        }

        if (settings.BusiestWindow <= TimeSpan.Zero)
        {
            failures.Add($"Ledger:BusiestWindow: {settings.BusiestWindow} is not positive.");
        }

        if (settings.BusiestTop is < 1 or > 1000)
        {
            failures.Add($"Ledger:BusiestTop: {settings.BusiestTop} is not 1..1000.");
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException("Ledger", typeof(LedgerSettings), failures);
        }

        return new LedgerApplication(new LedgerStreamOptions(settings.DepositWindow, settings.DepositSlide, settings.BusiestWindow, settings.BusiestTop));
    }
}
