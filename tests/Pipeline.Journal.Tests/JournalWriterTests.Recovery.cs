using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using Pipeline.Journal.Format;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Journal.Tests;

public sealed partial class JournalWriterTests
{
    // A one-segment journal of ten numbered records; returns the segment, its bytes and the records.
    private static (string Segment, byte[] Bytes, List<StoredRecord> Records) CreateTenRecordJournal(JournalOptions options)
    {
        JournalTestData.CreateJournal(options, 10);
        string segment = Assert.Single(JournalFiles.Segments(options.Directory)).Path;
        return (segment, File.ReadAllBytes(segment), JournalFiles.ReadAll(options.Directory));
    }

    [Fact]
    public void Open_LastRecordCutAtEveryByte_DropsOnlyTheTornRecord()
    {
        JournalOptions options = Options();
        (string segment, byte[] original, List<StoredRecord> records) = CreateTenRecordJournal(options);
        long start = records[^1].Position;
        Assert.Equal(original.Length, start + records[^1].Length);
        var failures = new List<string>();

        for (int cut = 0; cut < records[^1].Length; cut++)
        {
            File.WriteAllBytes(segment, original.AsSpan(0, (int)start + cut).ToArray());
            using (JournalWriter writer = JournalWriter.Open(options))
            {
                long keptLength = new FileInfo(segment).Length;
                long last = writer.LastSequence;
                long next = writer.Append(JournalTestData.Type, 1, 0, 0, JournalTestData.Payload(1000 + cut));
                writer.Commit();
                if (last != 9 || next != 10 || keptLength != start)
                {
                    failures.Add($"cut {cut}: last {last}, next {next}, kept {keptLength} bytes");
                }
            }

            List<StoredRecord> after = JournalFiles.ReadAll(options.Directory);
            bool intact = after.Count == 10 && after[9].Payload.AsSpan().SequenceEqual(JournalTestData.Payload(1000 + cut));
            for (int i = 0; intact && i < 9; i++)
            {
                intact = after[i].Sequence == i + 1 && after[i].Payload.AsSpan().SequenceEqual(records[i].Payload);
            }

            if (!intact)
            {
                failures.Add($"cut {cut}: the journal does not read back as records 1..9 plus the new 10");
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public void Open_SingleBitFlipInAMiddleRecord_ThrowsJournalCorruptedNamingTheRecord()
    {
        JournalOptions options = Options();
        (string segment, byte[] original, List<StoredRecord> records) = CreateTenRecordJournal(options);
        StoredRecord middle = records[4];
        var failures = new List<string>();

        for (int offset = 0; offset < middle.Length; offset++)
        {
            for (int bit = 0; bit < 8; bit++)
            {
                JournalFiles.FlipBit(segment, middle.Position + offset, bit);
                JournalCorruptedException? ex = null;
                try
                {
                    JournalWriter.Open(options).Dispose();
                }
                catch (JournalCorruptedException caught)
                {
                    ex = caught;
                }

                if (ex is null)
                {
                    failures.Add($"byte {offset} bit {bit}: opened without error");
                }
                else if (ex.File != segment || ex.Position != middle.Position || ex.Sequence != 5)
                {
                    failures.Add($"byte {offset} bit {bit}: reported {ex.File} offset {ex.Position} sequence {ex.Sequence}");
                }

                File.WriteAllBytes(segment, original);
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public void Open_SingleBitFlipInTheLastRecord_TruncatesItAsATornTail()
    {
        JournalOptions options = Options();
        (string segment, byte[] original, List<StoredRecord> records) = CreateTenRecordJournal(options);
        StoredRecord last = records[^1];
        var failures = new List<string>();

        for (int offset = 0; offset < last.Length; offset++)
        {
            int bit = offset % 8;
            JournalFiles.FlipBit(segment, last.Position + offset, bit);
            using (JournalWriter writer = JournalWriter.Open(options))
            {
                if (writer.LastSequence != 9 || new FileInfo(segment).Length != last.Position)
                {
                    failures.Add($"byte {offset} bit {bit}: last sequence {writer.LastSequence}, length {new FileInfo(segment).Length}");
                }
            }

            File.WriteAllBytes(segment, original);
        }

        Assert.Empty(failures);
    }

    [Theory]
    [InlineData("zeros")]
    [InlineData("ones")]
    [InlineData("random")]
    [InlineData("header prefix")]
    [InlineData("one byte")]
    public void Open_GarbageAfterTheLastRecord_IsTruncated(string garbage)
    {
        JournalOptions options = Options();
        (string segment, byte[] original, List<StoredRecord> records) = CreateTenRecordJournal(options);
        byte[] tail = garbage switch
        {
            "zeros" => new byte[100],
            "ones" => [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF],
            "random" => RandomBytes(37, seed: 5),
            "header prefix" => original.AsSpan((int)records[^1].Position, 20).ToArray(),
            _ => [0x2A],
        };
        using (var file = new FileStream(segment, FileMode.Append))
        {
            file.Write(tail);
        }

        long last;
        long next;
        using (JournalWriter writer = JournalWriter.Open(options))
        {
            last = writer.LastSequence;
            Assert.Equal(original.Length, new FileInfo(segment).Length);
            next = writer.Append(JournalTestData.Type, 1, 0, 0, JournalTestData.Payload(11));
            writer.Commit();
        }

        Assert.Equal(10, last);
        Assert.Equal(11, next);
        Assert.Equal(11, JournalFiles.ReadAll(options.Directory).Count);
    }

    [Fact]
    public void Open_MissingMiddleSegment_ThrowsJournalCorrupted()
    {
        JournalOptions options = Options();
        JournalTestData.CreateJournal(options, 3000);
        List<(long FirstSequence, string Path)> segments = JournalFiles.Segments(options.Directory);
        Assert.True(segments.Count >= 4);
        (long missingFirst, string missingPath) = segments[1];
        File.Delete(missingPath);
        File.Delete(JournalFiles.IndexPath(missingPath));

        JournalCorruptedException ex = Assert.Throws<JournalCorruptedException>(() => JournalWriter.Open(options));

        Assert.Equal(segments[2].Path, ex.File);
        Assert.Equal(0, ex.Position);
        Assert.Equal(missingFirst, ex.Sequence);
    }

    [Fact]
    public void Open_MissingSegmentBeforeTheActiveOne_ThrowsJournalCorrupted()
    {
        JournalOptions options = Options();
        JournalTestData.CreateJournal(options, 3000);
        List<(long FirstSequence, string Path)> segments = JournalFiles.Segments(options.Directory);
        (long missingFirst, string missingPath) = segments[^2];
        File.Delete(missingPath);
        File.Delete(JournalFiles.IndexPath(missingPath));

        JournalCorruptedException ex = Assert.Throws<JournalCorruptedException>(() => JournalWriter.Open(options));

        Assert.Equal(segments[^1].Path, ex.File);
        Assert.Equal(missingFirst, ex.Sequence);
    }

    [Theory]
    [InlineData("deleted")]
    [InlineData("bit flip")]
    [InlineData("truncated")]
    [InlineData("empty")]
    [InlineData("stale end position")]
    public void Open_BadIndexOfASealedSegment_RebuildsIt(string damage)
    {
        JournalOptions options = Options();
        JournalTestData.CreateJournal(options, 3000);
        List<(long FirstSequence, string Path)> segments = JournalFiles.Segments(options.Directory);
        string index = JournalFiles.IndexPath(segments[1].Path);
        byte[] good = File.ReadAllBytes(index);
        switch (damage)
        {
            case "deleted":
                File.Delete(index);
                break;
            case "bit flip":
                JournalFiles.FlipBit(index, 50, 3);
                break;
            case "truncated":
                File.WriteAllBytes(index, good.AsSpan(0, good.Length - 5).ToArray());
                break;
            case "empty":
                File.WriteAllBytes(index, []);
                break;
            default:
                Assert.True(SegmentIndexFile.TryRead(index, out SegmentIndexData data));
                SegmentIndexFile.Write(index, data with { EndPosition = data.EndPosition - 1 });
                break;
        }

        long last;
        using (JournalWriter writer = JournalWriter.Open(options))
        {
            last = writer.LastSequence;
        }

        Assert.Equal(3000, last);
        Assert.Equal(good, File.ReadAllBytes(index));
        Assert.Equal(3000 - segments[1].FirstSequence + 1, JournalFiles.ReadAll(options.Directory, segments[1].FirstSequence).Count);
    }

    [Fact]
    public void Open_BitFlipInASealedSegmentWithoutIndex_ThrowsJournalCorrupted()
    {
        JournalOptions options = Options();
        JournalTestData.CreateJournal(options, 3000);
        (long first, string path) = JournalFiles.Segments(options.Directory)[1];
        File.Delete(JournalFiles.IndexPath(path));
        long position = JournalFiles.ReadAll(options.Directory, first + 10, first + 10)[0].Position;
        JournalFiles.FlipBit(path, position + 50, 1);

        JournalCorruptedException ex = Assert.Throws<JournalCorruptedException>(() => JournalWriter.Open(options));

        Assert.Equal(path, ex.File);
        Assert.Equal(position, ex.Position);
        Assert.Equal(first + 10, ex.Sequence);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(40)]
    [InlineData(63)]
    public void Open_LastSegmentShorterThanItsHeader_RecreatesIt(int length)
    {
        JournalOptions options = Options();
        JournalTestData.CreateJournal(options, 25);
        string torn = JournalFiles.SegmentPath(options.Directory, 26);
        byte[] header = new byte[SegmentHeader.Size];
        new SegmentHeader(26, 1).Write(header);
        File.WriteAllBytes(torn, header.AsSpan(0, length).ToArray());

        long last;
        long next;
        using (JournalWriter writer = JournalWriter.Open(options))
        {
            last = writer.LastSequence;
            Assert.Equal(SegmentHeader.Size, new FileInfo(torn).Length);
            next = writer.Append(JournalTestData.Type, 1, 0, 0, JournalTestData.Payload(26));
            writer.Commit();
        }

        Assert.Equal(25, last);
        Assert.Equal(26, next);
        Assert.True(new FileInfo(torn).Length > SegmentHeader.Size);
        List<StoredRecord> records = JournalFiles.ReadAll(options.Directory);
        Assert.Equal(26, records.Count);
        Assert.Equal(JournalTestData.Payload(26), records[^1].Payload);
    }

    [Fact]
    public void Open_OnlySegmentShorterThanItsHeader_RecreatesAnEmptyJournal()
    {
        JournalOptions options = Options();
        Directory.CreateDirectory(options.Directory);
        File.WriteAllBytes(JournalFiles.SegmentPath(options.Directory, 1), new byte[10]);

        using JournalWriter writer = JournalWriter.Open(options);

        Assert.Equal(0, writer.LastSequence);
        Assert.Equal(1, writer.Append(JournalTestData.Type, 1, 0, 0, JournalTestData.Payload(1)));
    }

    [Fact]
    public void Open_MiddleSegmentShorterThanItsHeader_ThrowsJournalCorrupted()
    {
        JournalOptions options = Options();
        JournalTestData.CreateJournal(options, 3000);
        (long first, string path) = JournalFiles.Segments(options.Directory)[1];
        File.WriteAllBytes(path, new byte[30]);

        JournalCorruptedException ex = Assert.Throws<JournalCorruptedException>(() => JournalWriter.Open(options));

        Assert.Equal(path, ex.File);
        Assert.Equal(first, ex.Sequence);
    }

    [Fact]
    public void Open_SegmentHeaderDisagreesWithItsName_ThrowsJournalCorrupted()
    {
        JournalOptions options = Options();
        JournalTestData.CreateJournal(options, 10);
        string path = JournalFiles.SegmentPath(options.Directory, 1);
        byte[] header = new byte[SegmentHeader.Size];
        new SegmentHeader(5, 1).Write(header);
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            file.Write(header);
        }

        JournalCorruptedException ex = Assert.Throws<JournalCorruptedException>(() => JournalWriter.Open(options));

        Assert.Equal(path, ex.File);
        Assert.Equal(1, ex.Sequence);
    }

    [Fact]
    public void Open_CorruptedJournal_MessageTellsTheOperatorWhatToRun()
    {
        JournalOptions options = Options();
        (string segment, _, List<StoredRecord> records) = CreateTenRecordJournal(options);
        JournalFiles.FlipBit(segment, records[6].Position + 60, 0);

        JournalCorruptedException ex = Assert.Throws<JournalCorruptedException>(() => JournalWriter.Open(options));

        Assert.Equal(7, ex.Sequence);
        Assert.Contains("truncate --after 6", ex.Message, StringComparison.Ordinal);
        Assert.Contains(records[6].Position.ToString(CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_AfterCorruptionIsReported_ReleasesTheLock()
    {
        JournalOptions options = Options();
        (string segment, byte[] original, List<StoredRecord> records) = CreateTenRecordJournal(options);
        JournalFiles.FlipBit(segment, records[3].Position + 50, 2);
        Assert.Throws<JournalCorruptedException>(() => JournalWriter.Open(options));
        File.WriteAllBytes(segment, original);

        using JournalWriter writer = JournalWriter.Open(options);

        Assert.Equal(10, writer.LastSequence);
    }

    private static byte[] RandomBytes(int count, int seed)
    {
        byte[] bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
