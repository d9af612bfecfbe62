using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Pipeline.Journal.Maintenance;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Journal.Tests.Maintenance;

public sealed class JournalRetentionTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private JournalOptions CreateJournal(RetentionPolicy retention)
    {
        JournalOptions options = TestJournalOptions.Small(_temp.Combine("journal"), retention: retention, archiveDirectory: _temp.Combine("archive"));
        JournalTestData.CreateJournal(options, 3000);
        return options;
    }

    // For segments s0..sn, "last of i" is the last sequence segment i holds.
    private static long LastOf(List<(long FirstSequence, string Path)> segments, int i) => segments[i + 1].FirstSequence - 1;

    [Theory]
    [InlineData(RetentionPolicy.Delete)]
    [InlineData(RetentionPolicy.Archive)]
    public void Apply_SnapshotAtTheEndOfASegment_RetiresItAndEveryOlderOne(RetentionPolicy policy)
    {
        JournalOptions options = CreateJournal(policy);
        List<(long FirstSequence, string Path)> segments = JournalFiles.Segments(options.Directory);

        IReadOnlyList<string> retired = JournalRetention.Apply(options, LastOf(segments, 1));

        Assert.Equal([segments[0].Path, segments[1].Path], retired);
        Assert.Equal(segments.Skip(2).ToList(), JournalFiles.Segments(options.Directory));
        Assert.All(retired, p => Assert.False(File.Exists(JournalFiles.IndexPath(p))));
    }

    [Theory]
    [InlineData(RetentionPolicy.Delete)]
    [InlineData(RetentionPolicy.Archive)]
    public void Apply_SnapshotOneShortOfASegmentEnd_KeepsThatSegment(RetentionPolicy policy)
    {
        JournalOptions options = CreateJournal(policy);
        List<(long FirstSequence, string Path)> segments = JournalFiles.Segments(options.Directory);

        IReadOnlyList<string> retired = JournalRetention.Apply(options, LastOf(segments, 1) - 1);

        Assert.Equal([segments[0].Path], retired);
        Assert.Equal(segments[1].FirstSequence, JournalFiles.Segments(options.Directory)[0].FirstSequence);
    }

    [Theory]
    [InlineData(RetentionPolicy.Delete, 0)]
    [InlineData(RetentionPolicy.Delete, 1)]
    [InlineData(RetentionPolicy.Archive, 100)]
    public void Apply_SnapshotInsideTheFirstSegment_RetiresNothing(RetentionPolicy policy, long snapshot)
    {
        JournalOptions options = CreateJournal(policy);
        List<(long FirstSequence, string Path)> segments = JournalFiles.Segments(options.Directory);

        IReadOnlyList<string> retired = JournalRetention.Apply(options, snapshot);

        Assert.Empty(retired);
        Assert.Equal(segments, JournalFiles.Segments(options.Directory));
    }

    [Theory]
    [InlineData(RetentionPolicy.Delete)]
    [InlineData(RetentionPolicy.Archive)]
    public void Apply_SnapshotAtOrBeyondTheLastSequence_NeverRetiresTheLastSegment(RetentionPolicy policy)
    {
        JournalOptions options = CreateJournal(policy);
        List<(long FirstSequence, string Path)> segments = JournalFiles.Segments(options.Directory);

        IReadOnlyList<string> retired = JournalRetention.Apply(options, long.MaxValue);

        Assert.Equal(segments.Count - 1, retired.Count);
        Assert.Equal([segments[^1]], JournalFiles.Segments(options.Directory));
        Assert.Equal(3000 - segments[^1].FirstSequence + 1, JournalFiles.ReadAll(options.Directory, segments[^1].FirstSequence).Count);
    }

    [Fact]
    public void Apply_Archive_MovesSegmentsAndIndexesIntoTheArchiveFolder()
    {
        JournalOptions options = CreateJournal(RetentionPolicy.Archive);
        List<(long FirstSequence, string Path)> segments = JournalFiles.Segments(options.Directory);
        byte[] firstBytes = File.ReadAllBytes(segments[0].Path);

        JournalRetention.Apply(options, LastOf(segments, 1));

        string archived = Path.Combine(options.ArchiveDirectory!, Path.GetFileName(segments[0].Path));
        Assert.Equal(firstBytes, File.ReadAllBytes(archived));
        Assert.True(File.Exists(Path.Combine(options.ArchiveDirectory!, Path.GetFileName(JournalFiles.IndexPath(segments[0].Path)))));
        Assert.True(File.Exists(Path.Combine(options.ArchiveDirectory!, Path.GetFileName(segments[1].Path))));
        Assert.Equal(2, Directory.GetFiles(options.ArchiveDirectory!, "*.journal").Length);
    }

    [Fact]
    public void Apply_KeepAll_RetiresNothing()
    {
        JournalOptions options = CreateJournal(RetentionPolicy.KeepAll);
        List<(long FirstSequence, string Path)> segments = JournalFiles.Segments(options.Directory);

        IReadOnlyList<string> retired = JournalRetention.Apply(options, long.MaxValue);

        Assert.Empty(retired);
        Assert.Equal(segments, JournalFiles.Segments(options.Directory));
    }

    [Fact]
    public void ApplyRetention_OnTheWriter_MovesFirstSequenceAndKeepsAppending()
    {
        JournalOptions options = TestJournalOptions.Small(_temp.Combine("journal"), retention: RetentionPolicy.Delete);
        using JournalWriter writer = JournalWriter.Open(options);
        JournalTestData.AppendNumbered(writer, 3000);
        writer.Commit();
        List<(long FirstSequence, string Path)> segments = JournalFiles.Segments(options.Directory);

        IReadOnlyList<string> retired = writer.ApplyRetention(LastOf(segments, 0));
        long next = JournalTestData.AppendNumbered(writer, 1);
        writer.Commit();

        Assert.Single(retired);
        Assert.Equal(segments[1].FirstSequence, writer.FirstSequence);
        Assert.Equal(segments[1].FirstSequence, new JournalReader(options.Directory).FirstSequence);
        Assert.Equal(3001, next);
    }

    [Fact]
    public void Open_AfterRetention_RecoversAJournalThatStartsLater()
    {
        JournalOptions options = CreateJournal(RetentionPolicy.Delete);
        List<(long FirstSequence, string Path)> segments = JournalFiles.Segments(options.Directory);
        JournalRetention.Apply(options, LastOf(segments, 1));

        using JournalWriter writer = JournalWriter.Open(options);

        Assert.Equal(3000, writer.LastSequence);
        Assert.Equal(segments[2].FirstSequence, writer.FirstSequence);
        JournalReport report = JournalVerifier.Verify(options.Directory);
        Assert.Empty(report.Problems);
        Assert.Equal(segments[2].FirstSequence, report.FirstSequence);
    }
}
