using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Pipeline.Journal.Internal;
using Pipeline.Journal.Maintenance;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Journal.Tests;

public sealed partial class JournalWriterTests
{
    private JournalOptions PreallocatedOptions() => TestJournalOptions.Small(_temp.Combine("journal"), preallocate: true);

    private static bool IsZero(string path, long from)
    {
        byte[] bytes = File.ReadAllBytes(path);
        return !bytes.AsSpan((int)from).ContainsAnyExcept((byte)0);
    }

    // A copy of the journal folder taken while the writer still has it open: what a kill -9 leaves on disk.
    private string CopyAsCrashed(string directory)
    {
        string copy = _temp.Combine("crashed-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(copy);
        foreach (string file in Directory.EnumerateFiles(directory).Where(f => !f.EndsWith(SegmentFiles.LockFileName, StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        return copy;
    }

    // Ten records in a preallocated journal, copied as a kill -9 would leave it: the copy's folder and where its records end.
    private (string Crashed, long End) CrashedPreallocatedJournalOfTen()
    {
        JournalOptions options = PreallocatedOptions();
        using JournalWriter writer = JournalWriter.Open(options);
        JournalTestData.AppendNumbered(writer, 10);
        writer.Commit();
        StoredRecord last = JournalFiles.ReadAll(options.Directory)[^1];
        return (CopyAsCrashed(options.Directory), last.Position + last.Length);
    }

    [Fact]
    public void Open_Preallocate_ZeroFillsTheNewSegmentAndRecordsStillReadBack()
    {
        JournalOptions options = PreallocatedOptions();
        using JournalWriter writer = JournalWriter.Open(options);
        JournalTestData.AppendNumbered(writer, 10);
        writer.Commit();

        string segment = Assert.Single(JournalFiles.Segments(options.Directory)).Path;
        Assert.Equal(options.SegmentSizeBytes, new FileInfo(segment).Length);
        List<StoredRecord> records = JournalFiles.ReadAll(options.Directory);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), records.Select(r => r.Sequence));
        Assert.True(IsZero(segment, records[^1].Position + records[^1].Length), "the space after the last record is not zero");
    }

    [Fact]
    public void Cursor_OnAPreallocatedActiveSegment_SeesRecordsWrittenAfterItReachedTheZeros()
    {
        JournalOptions options = PreallocatedOptions();
        using JournalWriter writer = JournalWriter.Open(options);
        JournalTestData.AppendNumbered(writer, 5);
        writer.Commit();
        using JournalCursor cursor = new JournalReader(options.Directory).ReadFrom(1);
        var seen = new List<long>();
        while (cursor.TryRead(out JournalRecord record))
        {
            seen.Add(record.Sequence);
        }

        JournalTestData.AppendNumbered(writer, 5);
        writer.Commit();
        while (cursor.TryRead(out JournalRecord record))
        {
            seen.Add(record.Sequence);
        }

        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), seen);
    }

    [Fact]
    public void Open_PreallocatedJournalLeftByACrash_EndsCleanlyAtTheZerosAndContinues()
    {
        JournalOptions options = PreallocatedOptions();
        string crashed;
        using (JournalWriter writer = JournalWriter.Open(options))
        {
            JournalTestData.AppendNumbered(writer, 12);
            writer.Commit();
            crashed = CopyAsCrashed(options.Directory);
        }

        JournalReport report = JournalVerifier.Verify(crashed);
        Assert.Empty(report.Problems);
        Assert.Equal(12, report.Records);

        JournalOptions reopened = TestJournalOptions.Small(crashed, preallocate: true);
        using (JournalWriter writer = JournalWriter.Open(reopened))
        {
            Assert.Equal(12, writer.LastSequence);
            Assert.Equal(13, writer.Append(JournalTestData.Type, 1, 0, 0, JournalTestData.Payload(13)));
            writer.Commit();
        }

        string segment = Assert.Single(JournalFiles.Segments(crashed)).Path;
        Assert.Equal(reopened.SegmentSizeBytes, new FileInfo(segment).Length);
        Assert.Equal(Enumerable.Range(1, 13).Select(i => (long)i), JournalFiles.ReadAll(crashed).Select(r => r.Sequence));
    }

    [Fact]
    public void Open_TornRecordBeforeTheZeros_IsCutAndTheSpaceIsZeroAgain()
    {
        (string crashed, long end) = CrashedPreallocatedJournalOfTen();

        // Half of a record: its length and CRC made it to disk, the rest did not.
        string segment = Assert.Single(JournalFiles.Segments(crashed)).Path;
        byte[] bytes = File.ReadAllBytes(segment);
        Array.Copy(bytes, (int)end - JournalTestData.RecordBytes(), bytes, (int)end, JournalTestData.RecordBytes() / 2);
        File.WriteAllBytes(segment, bytes);

        using (JournalWriter writer = JournalWriter.Open(TestJournalOptions.Small(crashed, preallocate: true)))
        {
            Assert.Equal(10, writer.LastSequence);
        }

        Assert.True(IsZero(segment, end), "the torn bytes were left behind the last record");
        Assert.Equal(10, JournalFiles.ReadAll(crashed).Count);
    }

    [Fact]
    public void Open_ValidRecordsAfterZeroSpace_IsCorruptionNotAnEnd()
    {
        // Journal A has records 1..12; journal B has 1..10 and, further on after zeros, A's record 12: something was lost.
        JournalOptions a = TestJournalOptions.Small(_temp.Combine("a"));
        JournalTestData.CreateJournal(a, 12);
        StoredRecord twelfth = JournalFiles.ReadAll(a.Directory)[^1];
        byte[] twelfthBytes = File.ReadAllBytes(Assert.Single(JournalFiles.Segments(a.Directory)).Path).AsSpan((int)twelfth.Position, twelfth.Length).ToArray();

        (string crashed, long end) = CrashedPreallocatedJournalOfTen();

        string segment = Assert.Single(JournalFiles.Segments(crashed)).Path;
        using (FileStream stream = File.OpenWrite(segment))
        {
            stream.Position = end + 4096;
            stream.Write(twelfthBytes);
        }

        JournalCorruptedException ex = Assert.Throws<JournalCorruptedException>(() => JournalWriter.Open(TestJournalOptions.Small(crashed, preallocate: true)));
        Assert.Contains("valid records follow", ex.Message, StringComparison.Ordinal);
        Assert.NotEmpty(JournalVerifier.Verify(crashed).Problems);
    }

    [Fact]
    public void Roll_WithPreallocation_SealsSegmentsAtTheirLastRecordAndTakesTheSpare()
    {
        JournalOptions options = PreallocatedOptions();
        int perSegment = (int)(options.SegmentSizeBytes / JournalTestData.RecordBytes());
        using (JournalWriter writer = JournalWriter.Open(options))
        {
            for (int segment = 0; segment < 3; segment++)
            {
                JournalTestData.AppendNumbered(writer, (perSegment / 2) + 2);
                writer.Commit();
                Assert.True(writer.WaitForSpareSegment(TestTimeouts.Default), "no spare segment was prepared while the active one filled");
                JournalTestData.AppendNumbered(writer, perSegment / 2);
                writer.Commit();
            }

            List<(long FirstSequence, string Path)> segments = JournalFiles.Segments(options.Directory);
            Assert.True(segments.Count >= 3, $"{segments.Count} segments");
            List<StoredRecord> records = JournalFiles.ReadAll(options.Directory);
            Assert.Equal(Enumerable.Range(1, records.Count).Select(i => (long)i), records.Select(r => r.Sequence));
            foreach ((long first, string path) in segments.Take(segments.Count - 1))
            {
                StoredRecord last = records.Last(r => r.Sequence < segments.First(s => s.FirstSequence > first).FirstSequence);
                Assert.Equal(last.Position + last.Length, new FileInfo(path).Length);
            }

            Assert.Equal(options.SegmentSizeBytes, new FileInfo(segments[^1].Path).Length);
        }

        Assert.False(File.Exists(Path.Combine(options.Directory, SegmentPreparer.SpareFileName)), "the spare outlived the writer");
        Assert.Empty(JournalVerifier.Verify(options.Directory).Problems);
    }

    [Fact]
    public void Open_StaleSpareFromACrash_IsDeletedAndNeverTakenForASegment()
    {
        JournalOptions options = PreallocatedOptions();
        JournalTestData.CreateJournal(options, 5);
        string spare = Path.Combine(options.Directory, SegmentPreparer.SpareFileName);
        File.WriteAllBytes(spare, new byte[1000]); // half made when the process died

        using (JournalWriter writer = JournalWriter.Open(options))
        {
            Assert.False(File.Exists(spare));
            Assert.Equal(5, writer.LastSequence);
        }

        Assert.Single(JournalFiles.Segments(options.Directory));
    }

    [Fact]
    public void Open_WithoutPreallocationOnAPreallocatedJournal_CutsTheZeroSpace()
    {
        JournalOptions options = PreallocatedOptions();
        JournalTestData.CreateJournal(options, 7);
        string segment = Assert.Single(JournalFiles.Segments(options.Directory)).Path;
        Assert.Equal(options.SegmentSizeBytes, new FileInfo(segment).Length);

        using (JournalWriter writer = JournalWriter.Open(TestJournalOptions.Small(options.Directory)))
        {
            Assert.Equal(7, writer.LastSequence);
        }

        StoredRecord last = JournalFiles.ReadAll(options.Directory)[^1];
        Assert.Equal(last.Position + last.Length, new FileInfo(segment).Length);
    }

    [Fact]
    public void Open_CrashDuringTheFirstZeroFill_FinishesTheFillAndStartsEmpty()
    {
        JournalOptions options = PreallocatedOptions();
        JournalWriter.Open(TestJournalOptions.Small(options.Directory)).Dispose(); // the header only
        string segment = Assert.Single(JournalFiles.Segments(options.Directory)).Path;
        using (FileStream stream = File.OpenWrite(segment))
        {
            stream.SetLength(stream.Length + 5000); // zeros, as far as the fill got
        }

        using (JournalWriter writer = JournalWriter.Open(options))
        {
            Assert.Equal(0, writer.LastSequence);
            Assert.Equal(1, writer.Append(JournalTestData.Type, 1, 0, 0, JournalTestData.Payload(1)));
            writer.Commit();
        }

        Assert.Equal(options.SegmentSizeBytes, new FileInfo(segment).Length);
        Assert.Single(JournalFiles.ReadAll(options.Directory));
    }
}
