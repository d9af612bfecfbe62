namespace Pipeline.Streams.Tests;

/// <summary>A user-defined accumulator with a struct state, so the property tests exercise <see cref="IAccumulator{TIn, TAcc, TOut}"/> itself.</summary>
internal sealed class CountAsDouble : IAccumulator<Reading, CountState, double>
{
    public CountState Create() => default;

    public void Add(ref CountState accumulator, in Reading value) => accumulator.Count++;

    public void Merge(ref CountState accumulator, in CountState later) => accumulator.Count += later.Count;

    public double Result(in CountState accumulator) => accumulator.Count;
}
