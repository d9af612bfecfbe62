using System.Runtime.InteropServices;

namespace Pipeline.Streams;

/// <summary>The running sum and count behind <see cref="AverageAccumulator{T}"/>.</summary>
[StructLayout(LayoutKind.Auto)]
public struct AverageState
{
    /// <summary>The sum of the values so far.</summary>
    public double Sum { get; set; }

    /// <summary>The number of values so far.</summary>
    public long Count { get; set; }
}
