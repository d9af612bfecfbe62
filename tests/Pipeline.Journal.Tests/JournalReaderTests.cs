using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Journal.Tests;

public sealed class JournalReaderTests : IDisposable
{
    private static readonly DateTimeOffset s_start = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private JournalOptions Options() => TestJournalOptions.Small(_temp.Combine("journal"));

    // Record i: producer (i % 3), producer sequence 100 + i, schema version (i % 4) + 1, one of three types,
    // a payload of (i % 50) bytes (some empty), and a timestamp of start + i seconds.
    private static void AppendVaried(JournalWriter writer, ManualTimeProvider clock, int count)
    {
        for (int n = 0; n < count; n++)
        {
            long i = writer.LastSequence + 1;
            clock.SetUtcNow(s_start.AddSeconds(i));
            writer.Append(TypeOf(i), (ushort)((i % 4) + 1), (ulong)(i % 3), (ulong)(100 + i), PayloadOf(i));
        }
    }

    private static byte[] TypeOf(long i) => Encoding.UTF8.GetBytes(i % 3 == 0 ? "ledger.open" : i % 3 == 1 ? "ledger.deposit" : "x");

    private static byte[] PayloadOf(long i) => i % 50 < 8 ? new byte[i % 50] : JournalTestData.Payload(i, (int)(i % 50));

    private static void AssertRecord(long i, StoredRecord record)
    {
        Assert.Equal(i, record.Sequence);
        Assert.Equal(s_start.AddSeconds(i).UtcTicks, record.TimestampTicks);
        Assert.Equal((ulong)(i % 3), record.ProducerId);
        Assert.Equal((ulong)(100 + i), record.ProducerSequence);
        Assert.Equal((ushort)((i % 4) + 1), record.SchemaVersion);
        Assert.Equal(Encoding.UTF8.GetString(TypeOf(i)), record.Type);
        Assert.Equal(PayloadOf(i), record.Payload);
    }

    private JournalOptions CreateVariedJournal(int count)
    {
        JournalOptions options = Options();
        var clock = new ManualTimeProvider(s_start);
        using JournalWriter writer = JournalWriter.Open(options, logger: null, time: clock);
        for (int done = 0; done < count; done += 250)
        {
            AppendVaried(writer, clock, Math.Min(250, count - done));
            writer.Commit();
        }

        return options;
    }

    [Fact]
    public void ReadFrom_One_ReturnsEveryRecordWithAllItsFields()
    {
        JournalOptions options = CreateVariedJournal(300);

        List<StoredRecord> records = JournalFiles.ReadAll(options.Directory);

        Assert.Equal(300, records.Count);
        for (int i = 0; i < records.Count; i++)
        {
            AssertRecord(i + 1, records[i]);
        }
    }

    [Fact]
    public void ReadFrom_MiddleSequence_StartsExactlyThere()
    {
        JournalOptions options = CreateVariedJournal(300);

        List<StoredRecord> records = JournalFiles.ReadAll(options.Directory, 137);

        Assert.Equal(164, records.Count);
        for (int i = 0; i < records.Count; i++)
        {
            AssertRecord(137 + i, records[i]);
        }
    }

    [Fact]
    public void ReadFrom_SequenceInALaterSegment_SeeksThroughTheIndex()
    {
        JournalOptions options = CreateVariedJournal(4000);
        List<(long FirstSequence, string Path)> segments = JournalFiles.Segments(options.Directory);
        Assert.True(segments.Count >= 3);
        long from = segments[2].FirstSequence + 37; // between two index entries (one per 16 records)

        List<StoredRecord> records = JournalFiles.ReadAll(options.Directory, from, from + 99);

        Assert.Equal(100, records.Count);
        for (int i = 0; i < records.Count; i++)
        {
            AssertRecord(from + i, records[i]);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void ReadFrom_FirstSequenceOfASegment_ReturnsItFirst(int segment)
    {
        JournalOptions options = CreateVariedJournal(4000);
        long first = JournalFiles.Segments(options.Directory)[segment].FirstSequence;

        List<StoredRecord> records = JournalFiles.ReadAll(options.Directory, first, first + 1);

        Assert.Equal(2, records.Count);
        AssertRecord(first, records[0]);
        AssertRecord(first + 1, records[1]);
    }

    [Fact]
    public void ReadFrom_AcrossSegmentBoundaries_ReadsEveryRecordOnce()
    {
        JournalOptions options = CreateVariedJournal(4000);
        long boundary = JournalFiles.Segments(options.Directory)[1].FirstSequence;

        List<StoredRecord> records = JournalFiles.ReadAll(options.Directory, boundary - 5);

        Assert.Equal(4000 - boundary + 6, records.Count);
        for (int i = 0; i < records.Count; i++)
        {
            AssertRecord(boundary - 5 + i, records[i]);
        }
    }

    [Fact]
    public void TryRead_PastTheLastRecord_ReturnsFalseThenResumesWhenMoreIsWritten()
    {
        JournalOptions options = Options();
        using JournalWriter writer = JournalWriter.Open(options);
        JournalTestData.AppendNumbered(writer, 5);
        writer.Commit();
        using JournalCursor cursor = new JournalReader(options.Directory).ReadFrom(1);
        int first = 0;
        while (cursor.TryRead(out _))
        {
            first++;
        }

        JournalTestData.AppendNumbered(writer, 3);
        writer.Commit();
        var later = new List<long>();
        while (cursor.TryRead(out JournalRecord record))
        {
            later.Add(record.Sequence);
        }

        Assert.Equal(5, first);
        Assert.Equal([6L, 7L, 8L], later);
        Assert.Equal(9, cursor.NextSequence);
    }

    [Fact]
    public void TryRead_AtTheUpperBound_StopsUntilExtended()
    {
        JournalOptions options = Options();
        JournalTestData.CreateJournal(options, 20);
        using JournalCursor cursor = new JournalReader(options.Directory).ReadFrom(1, 5);
        int bounded = 0;
        while (cursor.TryRead(out _))
        {
            bounded++;
        }

        cursor.ExtendTo(3); // never lowers the bound
        bool afterLower = cursor.TryRead(out _);
        cursor.ExtendTo(12);
        int extended = 0;
        while (cursor.TryRead(out _))
        {
            extended++;
        }

        Assert.Equal(5, bounded);
        Assert.False(afterLower);
        Assert.Equal(7, extended);
    }

    [Fact]
    public async Task Cursor_FollowingALiveWriter_SeesEveryDurableRecordAndNothingElse()
    {
        JournalOptions options = Options();
        const int Total = 6000; // several segment rolls while the reader follows
        using JournalWriter writer = JournalWriter.Open(options);
        var reader = new JournalReader(options.Directory);
        using var cts = new CancellationTokenSource(TestTimeouts.Default);

        Task writing = Task.Run(() =>
        {
            var random = new Random(3);
            while (writer.LastSequence < Total)
            {
                JournalTestData.AppendNumbered(writer, (int)Math.Min(random.Next(1, 120), Total - writer.LastSequence));
                writer.Commit();
            }
        });
        Task<List<string>> reading = Task.Run(() =>
        {
            var problems = new List<string>();
            using JournalCursor cursor = reader.ReadFrom(1, 0);
            long expected = 1;
            while (expected <= Total && !cts.IsCancellationRequested)
            {
                long durable = writer.DurableSequence.Value;
                cursor.ExtendTo(durable);
                while (cursor.TryRead(out JournalRecord record))
                {
                    if (record.Sequence != expected || record.Sequence > durable
                        || !record.Payload.SequenceEqual(JournalTestData.Payload(record.Sequence)))
                    {
                        problems.Add($"read {record.Sequence} (expected {expected}, durable {durable})");
                    }

                    expected = record.Sequence + 1;
                }

                Thread.Yield();
            }

            if (expected <= Total)
            {
                problems.Add($"stopped at {expected - 1} of {Total}");
            }

            return problems;
        });

        await writing.WaitAsync(TestTimeouts.Default);
        List<string> found = await reading.WaitAsync(TestTimeouts.Default);

        Assert.Empty(found);
        Assert.True(JournalFiles.Segments(options.Directory).Count >= 5);
    }

    [Fact]
    public void ReadFrom_BelowTheFirstSequenceAfterRetention_ThrowsInvalidOperationException()
    {
        JournalOptions options = TestJournalOptions.Small(_temp.Combine("journal"), retention: RetentionPolicy.Delete);
        long retiredUpTo;
        using (JournalWriter writer = JournalWriter.Open(options))
        {
            JournalTestData.AppendNumbered(writer, 3000);
            writer.Commit();
            retiredUpTo = JournalFiles.Segments(options.Directory)[2].FirstSequence - 1;
            Assert.Equal(2, writer.ApplyRetention(retiredUpTo).Count);
        }

        var reader = new JournalReader(options.Directory);

        Assert.Equal(retiredUpTo + 1, reader.FirstSequence);
        InvalidOperationException ex = Assert.Throws<InvalidOperationException>(() => reader.ReadFrom(retiredUpTo));
        Assert.Contains("retention", ex.Message, StringComparison.Ordinal);
        Assert.Equal(retiredUpTo + 1, JournalFiles.ReadAll(options.Directory, retiredUpTo + 1)[0].Sequence);
    }

    [Fact]
    public void ReadFrom_NoJournalFolder_ThrowsDirectoryNotFoundException()
    {
        var reader = new JournalReader(_temp.Combine("nowhere"));

        Assert.Throws<DirectoryNotFoundException>(() => reader.ReadFrom(1));
    }

    [Fact]
    public void ReadFrom_SequenceBelowOne_ThrowsArgumentOutOfRangeException()
    {
        JournalOptions options = Options();
        JournalTestData.CreateJournal(options, 1);
        var reader = new JournalReader(options.Directory);

        Assert.Throws<ArgumentOutOfRangeException>(() => reader.ReadFrom(0));
    }

    [Fact]
    public void ReadFrom_EmptyJournal_ReadsNothing()
    {
        JournalOptions options = Options();
        JournalWriter.Open(options).Dispose();

        List<StoredRecord> records = JournalFiles.ReadAll(options.Directory);

        Assert.Empty(records);
        Assert.Equal(1, new JournalReader(options.Directory).FirstSequence);
    }

    [Fact]
    public void TryRead_BoundBeyondTheJournal_ThrowsJournalCorrupted()
    {
        JournalOptions options = Options();
        JournalTestData.CreateJournal(options, 10);
        using JournalCursor cursor = new JournalReader(options.Directory).ReadFrom(1, 11);
        for (int i = 0; i < 10; i++)
        {
            Assert.True(cursor.TryRead(out _));
        }

        JournalCorruptedException ex = Assert.Throws<JournalCorruptedException>(() => cursor.TryRead(out _));

        Assert.Equal(11, ex.Sequence);
    }

    [Fact]
    public void TryRead_DamagedRecordBelowTheBound_ThrowsJournalCorrupted()
    {
        JournalOptions options = Options();
        JournalTestData.CreateJournal(options, 10);
        string segment = JournalFiles.Segments(options.Directory)[0].Path;
        StoredRecord seventh = JournalFiles.ReadAll(options.Directory, 7, 7)[0];
        JournalFiles.FlipBit(segment, seventh.Position + 70, 4);
        using JournalCursor cursor = new JournalReader(options.Directory).ReadFrom(5, 10);
        Assert.True(cursor.TryRead(out _));
        Assert.True(cursor.TryRead(out _));

        JournalCorruptedException ex = Assert.Throws<JournalCorruptedException>(() => cursor.TryRead(out _));

        Assert.Equal(7, ex.Sequence);
        Assert.Equal(seventh.Position, ex.Position);
        Assert.Equal(segment, ex.File);
    }

    [Theory]
    [InlineData(48)]
    [InlineData(1024)]
    public void Constructor_BadSizes_ThrowArgumentOutOfRange(int size)
    {
        string directory = _temp.Path;

        Assert.Throws<ArgumentOutOfRangeException>(() => size == 48
            ? new JournalReader(directory, maxRecordBytes: size)
            : new JournalReader(directory, bufferBytes: size));
    }
}
