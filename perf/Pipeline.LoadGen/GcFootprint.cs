using System;
using System.Globalization;

namespace Pipeline.LoadGen;

/// <summary>The generator's own allocations and collections while it drives the load (printed, not in the JSON).</summary>
internal readonly struct GcFootprint
{
    private readonly long _allocated;
    private readonly int _gen0;
    private readonly int _gen1;
    private readonly int _gen2;

    private GcFootprint(long allocated, int gen0, int gen1, int gen2)
    {
        _allocated = allocated;
        _gen0 = gen0;
        _gen1 = gen1;
        _gen2 = gen2;
    }

    public static GcFootprint Start() => new(GC.GetTotalAllocatedBytes(precise: false), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));

    /// <summary>One line: bytes allocated since <see cref="Start"/>, per command, and the collections.</summary>
    public string Report(long commands)
    {
        long allocated = GC.GetTotalAllocatedBytes(precise: false) - _allocated;
        double perCommand = commands > 0 ? allocated / (double)commands : 0;
        return string.Create(CultureInfo.InvariantCulture,
            $"gc      generator allocated {allocated / 1048576.0:F1} MiB while driving ({perCommand:F1} bytes per command); collections gen0 {GC.CollectionCount(0) - _gen0}, gen1 {GC.CollectionCount(1) - _gen1}, gen2 {GC.CollectionCount(2) - _gen2}");
    }
}
