using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Pipeline.Journal.Maintenance;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Journal.Tests.Maintenance;

public sealed class JournalRepairTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private JournalOptions CreateJournal(int count)
    {
        JournalOptions options = TestJournalOptions.Small(_temp.Combine("journal"));
        JournalTestData.CreateJournal(options, count);
        return options;
    }

    private static long TotalBytes(string directory) =>
        JournalFiles.Segments(directory).Sum(s => new FileInfo(s.Path).Length);

    [Fact]
    public void TruncateAfter_SequenceInAMiddleSegment_LeavesExactlyOneToN()
    {
        JournalOptions options = CreateJournal(3000);
        List<(long FirstSequence, string Path)> before = JournalFiles.Segments(options.Directory);
        long cut = before[1].FirstSequence + 50;
        long bytesBefore = TotalBytes(options.Directory);

        long removed = JournalRepair.TruncateAfter(options.Directory, cut);

        List<(long FirstSequence, string Path)> after = JournalFiles.Segments(options.Directory);
        Assert.Equal(2, after.Count);
        Assert.Equal(before[0], after[0]);
        Assert.Equal(before[1], after[1]);
        Assert.All(before.Skip(2), s => Assert.False(File.Exists(s.Path)));
        Assert.All(before.Skip(2), s => Assert.False(File.Exists(JournalFiles.IndexPath(s.Path))));
        Assert.Equal(bytesBefore - TotalBytes(options.Directory), removed);
        JournalReport report = JournalVerifier.Verify(options.Directory);
        Assert.Empty(report.Problems);
        Assert.Equal(cut, report.Records);
        Assert.Equal(cut, report.LastSequence);
    }

    [Fact]
    public void TruncateAfter_ThenOpen_ContinuesAtNPlusOne()
    {
        JournalOptions options = CreateJournal(3000);
        long cut = JournalFiles.Segments(options.Directory)[2].FirstSequence + 3;
        JournalRepair.TruncateAfter(options.Directory, cut);

        long next;
        using (JournalWriter writer = JournalWriter.Open(options))
        {
            next = JournalTestData.AppendNumbered(writer, 1);
            writer.Commit();
        }

        Assert.Equal(cut + 1, next);
        List<StoredRecord> records = JournalFiles.ReadAll(options.Directory);
        Assert.Equal(cut + 1, records.Count);
        Assert.Equal(JournalTestData.Payload(cut + 1), records[^1].Payload);
    }

    [Fact]
    public void TruncateAfter_LastSequenceOfASegment_DeletesTheFollowingSegments()
    {
        JournalOptions options = CreateJournal(3000);
        List<(long FirstSequence, string Path)> before = JournalFiles.Segments(options.Directory);
        long cut = before[2].FirstSequence - 1;
        long segmentLength = new FileInfo(before[1].Path).Length;

        JournalRepair.TruncateAfter(options.Directory, cut);

        List<(long FirstSequence, string Path)> after = JournalFiles.Segments(options.Directory);
        Assert.Equal(2, after.Count);
        Assert.Equal(segmentLength, new FileInfo(after[1].Path).Length);
        Assert.Equal(cut, JournalVerifier.Verify(options.Directory).LastSequence);
    }

    [Fact]
    public void TruncateAfter_Zero_LeavesAnEmptyJournalStartingAtOne()
    {
        JournalOptions options = CreateJournal(3000);

        JournalRepair.TruncateAfter(options.Directory, 0);

        (long first, string path) = Assert.Single(JournalFiles.Segments(options.Directory));
        Assert.Equal(1, first);
        Assert.Equal(64, new FileInfo(path).Length);
        using JournalWriter writer = JournalWriter.Open(options);
        Assert.Equal(0, writer.LastSequence);
    }

    [Fact]
    public void TruncateAfter_TheLastSequence_RemovesNothing()
    {
        JournalOptions options = CreateJournal(100);

        long removed = JournalRepair.TruncateAfter(options.Directory, 100);

        Assert.Equal(0, removed);
        Assert.Equal(100, JournalVerifier.Verify(options.Directory).LastSequence);
    }

    [Fact]
    public void TruncateAfter_WhileAWriterHoldsTheLock_ThrowsIOException()
    {
        JournalOptions options = CreateJournal(100);
        using JournalWriter writer = JournalWriter.Open(options);

        Assert.Throws<IOException>(() => JournalRepair.TruncateAfter(options.Directory, 50));

        Assert.Equal(100, JournalVerifier.Verify(options.Directory).LastSequence);
    }

    [Fact]
    public void TruncateAfter_BeyondTheEnd_ThrowsInvalidOperationException()
    {
        JournalOptions options = CreateJournal(100);

        Assert.Throws<InvalidOperationException>(() => JournalRepair.TruncateAfter(options.Directory, 101));

        Assert.Equal(100, JournalVerifier.Verify(options.Directory).LastSequence);
    }

    [Fact]
    public void TruncateAfter_PastACorruptRecord_RefusesAndChangesNothing()
    {
        JournalOptions options = CreateJournal(3000);
        List<(long FirstSequence, string Path)> before = JournalFiles.Segments(options.Directory);
        long damaged = before[1].FirstSequence + 20;
        StoredRecord record = JournalFiles.ReadAll(options.Directory, damaged, damaged)[0];
        JournalFiles.FlipBit(before[1].Path, record.Position + 50, 0);
        long bytesBefore = TotalBytes(options.Directory);

        InvalidOperationException ex = Assert.Throws<InvalidOperationException>(
            () => JournalRepair.TruncateAfter(options.Directory, damaged + 5));

        Assert.Contains($"after {damaged - 1}", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, JournalFiles.Segments(options.Directory));
        Assert.Equal(bytesBefore, TotalBytes(options.Directory));
    }

    [Fact]
    public void TruncateAfter_JustBeforeACorruptRecord_MakesTheJournalOpenAgain()
    {
        JournalOptions options = CreateJournal(3000);
        (long first, string path) = JournalFiles.Segments(options.Directory)[1];
        long damaged = first + 20;
        StoredRecord record = JournalFiles.ReadAll(options.Directory, damaged, damaged)[0];
        JournalFiles.FlipBit(path, record.Position + 50, 0);
        Assert.False(JournalVerifier.Verify(options.Directory).IsHealthy);

        JournalRepair.TruncateAfter(options.Directory, damaged - 1);

        Assert.Empty(JournalVerifier.Verify(options.Directory).Problems);
        using JournalWriter writer = JournalWriter.Open(options);
        Assert.Equal(damaged - 1, writer.LastSequence);
    }

    [Fact]
    public void TruncateAfter_BelowTheFirstSequenceLeftByRetention_RefusesAndChangesNothing()
    {
        JournalOptions options = TestJournalOptions.Small(_temp.Combine("journal"), retention: RetentionPolicy.Delete);
        JournalTestData.CreateJournal(options, 3000);
        long retiredUpTo = JournalFiles.Segments(options.Directory)[2].FirstSequence - 1;
        JournalRetention.Apply(options, retiredUpTo);
        List<(long FirstSequence, string Path)> before = JournalFiles.Segments(options.Directory);

        Assert.Throws<InvalidOperationException>(() => JournalRepair.TruncateAfter(options.Directory, retiredUpTo - 10));

        Assert.Equal(before, JournalFiles.Segments(options.Directory));
    }

    [Fact]
    public void TruncateAfter_NoFolder_ThrowsDirectoryNotFoundException()
    {
        string missing = _temp.Combine("missing");

        Assert.Throws<DirectoryNotFoundException>(() => JournalRepair.TruncateAfter(missing, 1));
    }
}
