using System;
using System.Collections.Generic;
using System.IO;
using Pipeline.Journal.Maintenance;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Journal.Tests.Maintenance;

public sealed class JournalVerifierTests : IDisposable
{
    private static readonly DateTimeOffset s_start = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private JournalOptions CreateJournal(int count)
    {
        JournalOptions options = TestJournalOptions.Small(_temp.Combine("journal"));
        var clock = new ManualTimeProvider(s_start);
        using JournalWriter writer = JournalWriter.Open(options, logger: null, time: clock);
        for (int i = 1; i <= count; i++)
        {
            clock.SetUtcNow(s_start.AddMilliseconds(i));
            writer.Append(JournalTestData.Type, 1, 0, 0, JournalTestData.Payload(i));
        }

        writer.Commit();
        return options;
    }

    [Fact]
    public void Verify_HealthyJournal_ReportsCountsSequencesAndTimestamps()
    {
        JournalOptions options = CreateJournal(3000);

        JournalReport report = JournalVerifier.Verify(options.Directory);

        Assert.True(report.IsHealthy);
        Assert.Empty(report.Problems);
        Assert.Equal(JournalFiles.Segments(options.Directory).Count, report.Segments.Count);
        Assert.Equal(3000, report.Records);
        Assert.Equal(1, report.FirstSequence);
        Assert.Equal(3000, report.LastSequence);
        Assert.Equal(s_start.AddMilliseconds(1).UtcTicks, report.FirstTimestampTicks);
        Assert.Equal(s_start.AddMilliseconds(3000).UtcTicks, report.LastTimestampTicks);
        Assert.Equal(3000L * JournalTestData.RecordBytes(), report.Bytes);
    }

    [Fact]
    public void Verify_EmptyJournal_ReportsNoRecords()
    {
        JournalOptions options = CreateJournal(0);

        JournalReport report = JournalVerifier.Verify(options.Directory);

        Assert.True(report.IsHealthy);
        Assert.Equal(0, report.Records);
        Assert.Equal(0, report.LastSequence);
        Assert.Single(report.Segments);
    }

    [Fact]
    public void Verify_TornTail_ReportsAProblemFlaggedAsTornTail()
    {
        JournalOptions options = CreateJournal(10);
        string segment = JournalFiles.Segments(options.Directory)[0].Path;
        StoredRecord last = JournalFiles.ReadAll(options.Directory, 10)[0];
        using (var file = new FileStream(segment, FileMode.Open))
        {
            file.SetLength(last.Position + 30);
        }

        JournalReport report = JournalVerifier.Verify(options.Directory);

        JournalProblem problem = Assert.Single(report.Problems);
        Assert.True(problem.IsTornTail);
        Assert.True(report.IsHealthy);
        Assert.Equal(segment, problem.File);
        Assert.Equal(last.Position, problem.Position);
        Assert.Equal(10, problem.Sequence);
        Assert.Equal(9, report.Records);
        Assert.Equal(9, report.LastSequence);
        Assert.Equal(last.Position + 30, new FileInfo(segment).Length); // verify changes nothing
    }

    [Fact]
    public void Verify_BitFlipInTheLastRecord_IsATornTail()
    {
        JournalOptions options = CreateJournal(10);
        string segment = JournalFiles.Segments(options.Directory)[0].Path;
        StoredRecord last = JournalFiles.ReadAll(options.Directory, 10)[0];
        JournalFiles.FlipBit(segment, last.Position + 60, 5);

        JournalReport report = JournalVerifier.Verify(options.Directory);

        JournalProblem problem = Assert.Single(report.Problems);
        Assert.True(problem.IsTornTail);
        Assert.Equal(10, problem.Sequence);
    }

    [Theory]
    [InlineData(60, 0)] // payload
    [InlineData(8, 0)] // sequence
    [InlineData(4, 7)] // CRC
    [InlineData(1, 2)] // length: the record now claims to run past the end of the file
    [InlineData(0, 0)] // length: off by one
    public void Verify_CorruptionInTheMiddle_ReportsAProblemThatIsNotATornTail(int offset, int bit)
    {
        JournalOptions options = CreateJournal(10);
        string segment = JournalFiles.Segments(options.Directory)[0].Path;
        StoredRecord fifth = JournalFiles.ReadAll(options.Directory, 5, 5)[0];
        JournalFiles.FlipBit(segment, fifth.Position + offset, bit);

        JournalReport report = JournalVerifier.Verify(options.Directory);

        JournalProblem problem = Assert.Single(report.Problems);
        Assert.False(problem.IsTornTail);
        Assert.False(report.IsHealthy);
        Assert.Equal(segment, problem.File);
        Assert.Equal(fifth.Position, problem.Position);
        Assert.Equal(5, problem.Sequence);
        Assert.Equal(4, report.Records);
        Assert.Equal(4, report.LastSequence);
    }

    [Fact]
    public void Verify_CorruptionInASealedSegment_IsNotATornTail()
    {
        JournalOptions options = CreateJournal(3000);
        (long first, string path) = JournalFiles.Segments(options.Directory)[0];
        StoredRecord record = JournalFiles.ReadAll(options.Directory, first + 100, first + 100)[0];
        JournalFiles.FlipBit(path, record.Position + 55, 3);

        JournalReport report = JournalVerifier.Verify(options.Directory);

        JournalProblem problem = Assert.Single(report.Problems);
        Assert.False(problem.IsTornTail);
        Assert.Equal(first + 100, problem.Sequence);
        Assert.Equal(100, report.Records);
    }

    [Fact]
    public void Verify_MissingMiddleSegment_ReportsTheGap()
    {
        JournalOptions options = CreateJournal(3000);
        List<(long FirstSequence, string Path)> segments = JournalFiles.Segments(options.Directory);
        File.Delete(segments[1].Path);

        JournalReport report = JournalVerifier.Verify(options.Directory);

        JournalProblem problem = Assert.Single(report.Problems);
        Assert.False(problem.IsTornTail);
        Assert.Equal(segments[2].Path, problem.File);
        Assert.Equal(segments[1].FirstSequence, problem.Sequence);
        Assert.Equal(segments[1].FirstSequence - 1, report.LastSequence);
    }

    [Fact]
    public void Verify_LastSegmentShorterThanItsHeader_IsATornTail()
    {
        JournalOptions options = CreateJournal(10);
        File.WriteAllBytes(JournalFiles.SegmentPath(options.Directory, 11), new byte[12]);

        JournalReport report = JournalVerifier.Verify(options.Directory);

        JournalProblem problem = Assert.Single(report.Problems);
        Assert.True(problem.IsTornTail);
        Assert.Equal(10, report.LastSequence);
    }

    [Fact]
    public void Verify_NoFolder_ThrowsDirectoryNotFoundException()
    {
        string missing = _temp.Combine("missing");

        Assert.Throws<DirectoryNotFoundException>(() => JournalVerifier.Verify(missing));
    }
}
