namespace Pipeline.Core.Tests;

/// <summary>A value entry: lives inline in the ring's array and is only ever accessed by reference.</summary>
internal struct TestSlot
{
    public long Value { get; set; }

    public long Consumed { get; set; }

    public long Padding { get; set; }
}
