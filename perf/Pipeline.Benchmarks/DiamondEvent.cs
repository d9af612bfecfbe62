namespace Pipeline.Benchmarks;

/// <summary>The ring entry of the diamond: A writes Value, B writes Left, C writes Right, D reads both.</summary>
internal struct DiamondEvent
{
    public long Value;
    public long Left;
    public long Right;
}
