using System;
using System.IO;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.EventStore.Tests;

public sealed class EventLogOptionsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static EventLogOptions Create(string directory, string rule) => rule switch
    {
        "empty directory" => new EventLogOptions { Directory = "" },
        "blank directory" => new EventLogOptions { Directory = "  " },
        "negative payload" => new EventLogOptions { Directory = directory, MaxPayloadBytes = -1 },
        "payload above 64 MiB" => new EventLogOptions { Directory = directory, MaxPayloadBytes = (64 * 1024 * 1024) + 1, WriteBufferBytes = int.MaxValue, SegmentSizeBytes = long.MaxValue },
        "buffer below record" => new EventLogOptions { Directory = directory, MaxPayloadBytes = 1000, WriteBufferBytes = 1569 },
        "segment below header plus record" => new EventLogOptions { Directory = directory, MaxPayloadBytes = 1000, WriteBufferBytes = 4096, SegmentSizeBytes = 32 + 1569 },
        "zero index interval" => new EventLogOptions { Directory = directory, IndexIntervalRecords = 0 },
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "unknown rule"),
    };

    [Theory]
    [InlineData("empty directory", "Directory", "Directory must name")]
    [InlineData("blank directory", "Directory", "Directory must name")]
    [InlineData("negative payload", "MaxPayloadBytes", "between 0 and 67108864 (64 MiB); it is -1")]
    [InlineData("payload above 64 MiB", "MaxPayloadBytes", "it is 67108865")]
    [InlineData("buffer below record", "WriteBufferBytes", "at least the largest record (1570 bytes for MaxPayloadBytes 1000)")]
    [InlineData("segment below header plus record", "SegmentSizeBytes", "32-byte segment header and one record of the largest size (1570 bytes)")]
    [InlineData("zero index interval", "IndexIntervalRecords", "at least 1; it is 0")]
    public void Validate_OptionBreaksRule_ThrowsArgumentExceptionNamingItAndTheRule(string rule, string option, string message)
    {
        EventLogOptions options = Create(_temp.Combine("events"), rule);

        ArgumentException ex = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal(option, ex.ParamName);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SmallestValidOptions_DoesNotThrow()
    {
        var options = new EventLogOptions { Directory = _temp.Path, MaxPayloadBytes = 0, WriteBufferBytes = 570, SegmentSizeBytes = 32 + 570, IndexIntervalRecords = 1 };

        options.Validate();
    }

    [Theory]
    [InlineData("negative payload")]
    [InlineData("zero index interval")]
    public void OpenAndReader_OptionBreaksRule_ThrowBeforeCreatingTheFolder(string rule)
    {
        EventLogOptions options = Create(_temp.Combine("events"), rule);

        Assert.Throws<ArgumentException>(() => EventLogWriter.Open(options));
        Assert.Throws<ArgumentException>(() => new EventLogReader(options));

        Assert.False(Directory.Exists(options.Directory));
    }
}
