using System;
using System.Globalization;
using System.Runtime;

namespace Pipeline.LoadGen;

/// <summary>
/// The generator's own allocations and collections while it drives the load (printed, not in the JSON); the
/// driving runs in a no-GC region when the runtime grants one, so that no collection pauses the generator's
/// pacer and ACK handling in the middle of the measurement (a pause there counts as server latency).
/// </summary>
/// <remarks>
/// The generator allocates a few bytes per command (about 10 MiB for a 10 s run at 250,000/s), well inside the
/// region's budget. Should it allocate more, the runtime collects and ends the region, and the report says so.
/// </remarks>
internal sealed class GcFootprint : IDisposable
{
    // Tried in order: the runtime refuses a budget larger than it can reserve up front.
    private static readonly long[] s_budgets = [256L << 20, 64L << 20, 16L << 20];

    private readonly long _allocated;
    private readonly int _gen0;
    private readonly int _gen1;
    private readonly int _gen2;
    private readonly long _budget;

    private GcFootprint(long budget)
    {
        _budget = budget;
        _allocated = GC.GetTotalAllocatedBytes(precise: false);
        _gen0 = GC.CollectionCount(0);
        _gen1 = GC.CollectionCount(1);
        _gen2 = GC.CollectionCount(2);
    }

    /// <summary>Starts counting, in a no-GC region if one can be had (a budget of 0 means none).</summary>
    public static GcFootprint Start()
    {
        foreach (long budget in s_budgets)
        {
            try
            {
                // Starting a region collects first, so the one collection it costs happens here, before the timing.
                if (GC.TryStartNoGCRegion(budget))
                {
                    return new GcFootprint(budget);
                }
            }
            catch (ArgumentOutOfRangeException)
            {
                // Too large for this runtime's configuration: try a smaller one.
            }
            catch (InvalidOperationException)
            {
                break; // already in a region (not expected): count without one
            }
        }

        return new GcFootprint(0);
    }

    /// <summary>True while the no-GC region still holds.</summary>
    public bool RegionHeld => _budget > 0 && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion;

    /// <summary>One line: bytes allocated since <see cref="Start"/>, per command, the collections and the region.</summary>
    public string Report(long commands)
    {
        long allocated = GC.GetTotalAllocatedBytes(precise: false) - _allocated;
        double perCommand = commands > 0 ? allocated / (double)commands : 0;
        string region = _budget == 0
            ? "no no-GC region (refused)"
            : RegionHeld
                ? string.Create(CultureInfo.InvariantCulture, $"in a no-GC region of {_budget >> 20} MiB, held")
                : string.Create(CultureInfo.InvariantCulture, $"the no-GC region of {_budget >> 20} MiB was exceeded");
        return string.Create(CultureInfo.InvariantCulture,
            $"gc      generator allocated {allocated / 1048576.0:F1} MiB while driving ({perCommand:F1} bytes per command); collections gen0 {GC.CollectionCount(0) - _gen0}, gen1 {GC.CollectionCount(1) - _gen1}, gen2 {GC.CollectionCount(2) - _gen2}; {region}");
    }

    /// <summary>Ends the region if it still holds.</summary>
    public void Dispose()
    {
        if (RegionHeld)
        {
            GC.EndNoGCRegion();
        }
    }
}
