namespace Pipeline.Streams.Samples;

// The built-in Average gives only the mean; the sample prints the count too, so the window result is the pair.
internal sealed class CountAndSum : IAccumulator<double, AverageState, AverageState>
{
    public AverageState Create() => default;

    public void Add(ref AverageState accumulator, in double value)
    {
        accumulator.Sum += value;
        accumulator.Count++;
    }

    public void Merge(ref AverageState accumulator, in AverageState later)
    {
        accumulator.Sum += later.Sum;
        accumulator.Count += later.Count;
    }

    public AverageState Result(in AverageState accumulator) => accumulator;
}
