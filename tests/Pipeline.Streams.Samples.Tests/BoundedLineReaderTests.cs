using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Streams.Samples;
using Xunit;

namespace Pipeline.Streams.Samples.Tests;

public sealed class BoundedLineReaderTests
{
    private static async Task<string[]> ReadAllAsync(string text, int max)
    {
        var reader = new BoundedLineReader(new StringReader(text), max);
        var lines = new System.Collections.Generic.List<string>();
        while (await reader.ReadLineAsync(CancellationToken.None) is { } line)
        {
            lines.Add(line);
        }

        return [.. lines];
    }

    [Fact]
    public async Task ReadLineAsync_NewlinesCrLfAndALastLineWithoutNewline_GivesEachLine()
    {
        Assert.Equal(["1 2", "3", "", "4"], await ReadAllAsync("1 2\n3\r\n\n4", max: 10));
    }

    [Fact]
    public async Task ReadLineAsync_LinesAcrossTheBufferBoundary_AreWhole()
    {
        string line = new('7', 5000);
        Assert.Equal([line, "8"], await ReadAllAsync(line + "\n8\n", max: 6000));
    }

    [Fact]
    public async Task ReadLineAsync_ALineOverTheLimit_IsRefusedWithTheLimit()
    {
        var reader = new BoundedLineReader(new StringReader("12345\n" + new string('9', 10_000)), maxLineLength: 8);

        Assert.Equal("12345", await reader.ReadLineAsync(CancellationToken.None));
        InvalidDataException error = await Assert.ThrowsAsync<InvalidDataException>(() => reader.ReadLineAsync(CancellationToken.None));
        Assert.Equal("a line longer than 8 characters", error.Message);
    }
}
