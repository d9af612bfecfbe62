using Pipeline.Core.Sequencing;
using Xunit;

namespace Pipeline.Core.Tests;

public sealed class SequenceTests
{
    [Fact]
    public void Constructor_WithoutValue_StartsAtInitialValue()
    {
        var sequence = new Sequence();

        long value = sequence.Value;

        Assert.Equal(-1, value);
        Assert.Equal(Sequence.InitialValue, value);
    }

    [Fact]
    public void SetValue_ThenValue_ReturnsWrittenValue()
    {
        var sequence = new Sequence(5);

        sequence.SetValue(41);
        long afterRelease = sequence.Value;
        sequence.SetValueVolatile(42);
        long afterVolatile = sequence.Value;

        Assert.Equal(41, afterRelease);
        Assert.Equal(42, afterVolatile);
        Assert.Equal("42", sequence.ToString());
    }

    [Fact]
    public void CompareAndSet_WithStaleExpected_FailsAndKeepsValue()
    {
        var sequence = new Sequence(10);

        bool withCurrent = sequence.CompareAndSet(10, 11);
        bool withStale = sequence.CompareAndSet(10, 99);

        Assert.True(withCurrent);
        Assert.False(withStale);
        Assert.Equal(11, sequence.Value);
    }

    [Fact]
    public void AddAndGet_ReturnsTheNewValue()
    {
        var sequence = new Sequence();

        long first = sequence.AddAndGet(1);
        long second = sequence.AddAndGet(4);

        Assert.Equal(0, first);
        Assert.Equal(4, second);
    }

    [Fact]
    public void GetMinimum_ReturnsLowestOrFallbackWhenEmpty()
    {
        Sequence[] sequences = [new Sequence(7), new Sequence(3), new Sequence(9)];

        long minimum = Sequence.GetMinimum(sequences, long.MaxValue);
        long capped = Sequence.GetMinimum(sequences, 2);
        long empty = Sequence.GetMinimum([], 123);

        Assert.Equal(3, minimum);
        Assert.Equal(2, capped);
        Assert.Equal(123, empty);
    }
}
