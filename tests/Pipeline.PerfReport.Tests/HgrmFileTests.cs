using System;
using Xunit;

namespace Pipeline.PerfReport.Tests;

public sealed class HgrmFileTests
{
    [Fact]
    public void Parse_StandardDistribution_ReadsPercentileLinesAndFooter()
    {
        string text = ResultsFolder.Hgrm(p50: 20);

        HgrmFile file = HgrmFile.Parse(text);

        Assert.Equal(6, file.Points.Count);
        Assert.Equal(new HgrmPoint(10, 0, 1), file.Points[0]);
        Assert.Equal(new HgrmPoint(40, 90, 900), file.Points[2]);
        Assert.Equal(99.9, file.Points[4].Percentile, 9);
        Assert.Equal(640, file.Points[5].Value);
        Assert.Equal(100, file.Points[5].Percentile);
        Assert.Equal(22, file.Mean);
        Assert.Equal(640, file.Max);
        Assert.Equal(1000L, file.TotalCount);
    }

    [Fact]
    public void Parse_InfinityInLastColumnAndCsvForm_AreRead()
    {
        string text = "\"Value\",\"Percentile\",\"TotalCount\",\"1/(1-Percentile)\"\n1.5,0.5,10,2.00\n7.000,1.000000000000,20,Infinity\n";

        HgrmFile file = HgrmFile.Parse(text);

        Assert.Equal(2, file.Points.Count);
        Assert.Equal(new HgrmPoint(1.5, 50, 10), file.Points[0]);
        Assert.Equal(new HgrmPoint(7, 100, 20), file.Points[1]);
        Assert.Null(file.Max);
    }

    [Fact]
    public void Parse_LineThatIsNotNumbers_ThrowsWithLineNumber()
    {
        string text = "       Value     Percentile TotalCount 1/(1-Percentile)\n\n  12.0 0.5 10 2.0\n  garbage here\n";

        var e = Assert.Throws<FormatException>(() => HgrmFile.Parse(text));

        Assert.Contains("line 4", e.Message, StringComparison.Ordinal);
    }
}
