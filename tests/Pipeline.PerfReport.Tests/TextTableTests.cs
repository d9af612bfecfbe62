using Xunit;

namespace Pipeline.PerfReport.Tests;

public sealed class TextTableTests
{
    [Fact]
    public void ToText_RightAlignedColumn_PadsOnTheLeft()
    {
        var table = new TextTable("run", ">p99");
        table.Add("a", "1.5");
        table.Add("longer", "120");

        string text = table.ToText();

        Assert.Equal("run     p99\na       1.5\nlonger  120\n", text);
    }

    [Fact]
    public void ToMarkdown_PipeInCell_IsEscaped()
    {
        var table = new TextTable("run", ">p99");
        table.Add("a|b", "1");

        string md = table.ToMarkdown();

        Assert.Equal("| run | p99 |\n| --- | --: |\n| a\\|b | 1 |\n", md);
    }
}
