using System.Collections.Generic;
using Xunit;

namespace Pipeline.Streams.Samples.Tests;

public sealed class NumberLineParserTests
{
    private readonly List<double> _numbers = new();
    private readonly List<string> _bad = new();

    [Fact]
    public void Parse_WhitespaceAndCommas_SplitsOnBoth()
    {
        NumberLineParser.Parse(" 1 2,3 ,4\t-5.5,,1e3 ", _numbers, _bad);

        Assert.Equal(new[] { 1.0, 2.0, 3.0, 4.0, -5.5, 1000.0 }, _numbers);
        Assert.Empty(_bad);
    }

    [Fact]
    public void Parse_BadTokens_ReturnsThemAndKeepsTheNumbers()
    {
        NumberLineParser.Parse("1 abc 2 3x 1,5", _numbers, _bad);

        Assert.Equal(new[] { 1.0, 2.0, 1.0, 5.0 }, _numbers);
        Assert.Equal(new[] { "abc", "3x" }, _bad);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(" , ,, ")]
    public void Parse_EmptyLine_GivesNothing(string line)
    {
        NumberLineParser.Parse(line, _numbers, _bad);

        Assert.Empty(_numbers);
        Assert.Empty(_bad);
    }

    [Fact]
    public void Parse_HugeNumbers_KeepsFiniteAndRefusesOverflowAndNaN()
    {
        NumberLineParser.Parse("1e308 123456789012345678901234567890 1e400 -1e400 NaN Infinity", _numbers, _bad);

        Assert.Equal(new[] { 1e308, 123456789012345678901234567890.0 }, _numbers);
        Assert.Equal(new[] { "1e400", "-1e400", "NaN", "Infinity" }, _bad);
    }
}
