using System;
using System.IO;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Journal.Tests;

public sealed class JournalOptionsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static JournalOptions Create(string directory, string rule) => rule switch
    {
        "empty directory" => new JournalOptions { Directory = "" },
        "blank directory" => new JournalOptions { Directory = "   " },
        "record below header" => new JournalOptions { Directory = directory, MaxRecordBytes = 48, WriteBufferBytes = 4096, SegmentSizeBytes = 8192 },
        "buffer below record" => new JournalOptions { Directory = directory, MaxRecordBytes = 4096, WriteBufferBytes = 4095, SegmentSizeBytes = 65536 },
        "segment below header plus record" => new JournalOptions { Directory = directory, MaxRecordBytes = 4096, WriteBufferBytes = 4096, SegmentSizeBytes = 64 + 4095 },
        "undefined durability" => new JournalOptions { Directory = directory, Durability = (DurabilityPolicy)17 },
        "zero flush interval" => new JournalOptions { Directory = directory, Durability = DurabilityPolicy.Interval, FlushInterval = TimeSpan.Zero },
        "negative flush interval" => new JournalOptions { Directory = directory, Durability = DurabilityPolicy.Interval, FlushInterval = TimeSpan.FromMilliseconds(-1) },
        "flush interval above a minute" => new JournalOptions { Directory = directory, Durability = DurabilityPolicy.Interval, FlushInterval = TimeSpan.FromMinutes(1) + TimeSpan.FromTicks(1) },
        "zero index interval" => new JournalOptions { Directory = directory, IndexIntervalRecords = 0 },
        "undefined retention" => new JournalOptions { Directory = directory, Retention = (RetentionPolicy)9 },
        "archive without folder" => new JournalOptions { Directory = directory, Retention = RetentionPolicy.Archive },
        "archive with blank folder" => new JournalOptions { Directory = directory, Retention = RetentionPolicy.Archive, ArchiveDirectory = " " },
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "unknown rule"),
    };

    [Theory]
    [InlineData("empty directory", "Directory")]
    [InlineData("blank directory", "Directory")]
    [InlineData("record below header", "MaxRecordBytes")]
    [InlineData("buffer below record", "WriteBufferBytes")]
    [InlineData("segment below header plus record", "SegmentSizeBytes")]
    [InlineData("undefined durability", "Durability")]
    [InlineData("zero flush interval", "FlushInterval")]
    [InlineData("negative flush interval", "FlushInterval")]
    [InlineData("flush interval above a minute", "FlushInterval")]
    [InlineData("zero index interval", "IndexIntervalRecords")]
    [InlineData("undefined retention", "Retention")]
    [InlineData("archive without folder", "ArchiveDirectory")]
    [InlineData("archive with blank folder", "ArchiveDirectory")]
    public void Validate_OptionBreaksRule_ThrowsArgumentExceptionNamingIt(string rule, string option)
    {
        JournalOptions options = Create(_temp.Combine("journal"), rule);

        ArgumentException ex = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal(option, ex.ParamName);
    }

    [Theory]
    [InlineData("record below header", "MaxRecordBytes")]
    [InlineData("zero flush interval", "FlushInterval")]
    [InlineData("archive without folder", "ArchiveDirectory")]
    public void Open_OptionBreaksRule_ThrowsBeforeCreatingTheFolder(string rule, string option)
    {
        JournalOptions options = Create(_temp.Combine("journal"), rule);

        ArgumentException ex = Assert.Throws<ArgumentException>(() => JournalWriter.Open(options));

        Assert.Equal(option, ex.ParamName);
        Assert.False(Directory.Exists(options.Directory));
    }

    [Fact]
    public void Validate_SmallestConsistentSizes_Passes()
    {
        var options = new JournalOptions
        {
            Directory = _temp.Path,
            MaxRecordBytes = 49,
            WriteBufferBytes = 49,
            SegmentSizeBytes = 64 + 49,
            FlushInterval = TimeSpan.FromMinutes(1),
            Durability = DurabilityPolicy.Interval,
            IndexIntervalRecords = 1,
            Retention = RetentionPolicy.Archive,
            ArchiveDirectory = _temp.Combine("archive"),
        };

        Exception? ex = Record.Exception(options.Validate);

        Assert.Null(ex);
    }

    [Fact]
    public void Validate_FlushIntervalWithoutIntervalDurability_IsNotChecked()
    {
        var options = new JournalOptions { Directory = _temp.Path, Durability = DurabilityPolicy.Batch, FlushInterval = TimeSpan.Zero };

        Exception? ex = Record.Exception(options.Validate);

        Assert.Null(ex);
    }

    [Fact]
    public void Defaults_AreBatchDurabilityKeepAllAndSizesThatValidate()
    {
        var options = new JournalOptions { Directory = _temp.Path };

        options.Validate();

        Assert.Equal(DurabilityPolicy.Batch, options.Durability);
        Assert.Equal(RetentionPolicy.KeepAll, options.Retention);
        Assert.Equal(256L * 1024 * 1024, options.SegmentSizeBytes);
    }
}
