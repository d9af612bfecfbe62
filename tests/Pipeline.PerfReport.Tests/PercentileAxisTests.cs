using System;
using Xunit;

namespace Pipeline.PerfReport.Tests;

public sealed class PercentileAxisTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(50, 2)]
    [InlineData(90, 10)]
    [InlineData(99, 100)]
    [InlineData(99.9, 1000)]
    [InlineData(99.99, 10000)]
    public void InverseTail_Percentile_IsOneOverOneMinusFraction(double percentile, double expected)
    {
        double value = PercentileAxis.InverseTail(percentile);

        Assert.Equal(expected, value, expected * 1e-9);
    }

    [Theory]
    [InlineData(90, 1)]
    [InlineData(99, 2)]
    [InlineData(99.9, 3)]
    [InlineData(99.999, 5)]
    public void ToAxis_Nines_AreEquallySpaced(double percentile, double nines)
    {
        double x = PercentileAxis.ToAxis(percentile);

        Assert.Equal(nines, x, 9);
        Assert.Equal(percentile, PercentileAxis.FromAxis(x), 9);
    }

    [Fact]
    public void InverseTail_OneHundredPercent_IsInfinite()
    {
        double value = PercentileAxis.InverseTail(100);

        Assert.True(double.IsPositiveInfinity(value));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(100.5)]
    public void InverseTail_OutsideZeroToHundred_Throws(double percentile)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PercentileAxis.InverseTail(percentile));
    }

    [Theory]
    [InlineData(0, "0%")]
    [InlineData(1, "90%")]
    [InlineData(2, "99%")]
    [InlineData(3, "99.9%")]
    [InlineData(5, "99.999%")]
    public void Label_WholeNines_NamesThePercentile(int nines, string label)
    {
        Assert.Equal(label, PercentileAxis.Label(nines));
    }
}
