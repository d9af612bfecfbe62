using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using Microsoft.Extensions.Logging;
using Pipeline.Consumers.Format;
using Pipeline.Consumers.Internal;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Consumers.Tests;

public sealed partial class CheckpointStoreTests
{
    // Three commits (three records); returns the file's bytes, the offset where each record starts and the state
    // before the last record.
    private (byte[] Bytes, long[] Offsets, List<ConsumerCheckpoint> BeforeLast) CreateThreeRecordStore()
    {
        var offsets = new long[3];
        List<ConsumerCheckpoint> beforeLast;
        using (CheckpointStore store = Open())
        {
            offsets[0] = new FileInfo(FilePath).Length;
            store.Commit("orders", 10);
            offsets[1] = new FileInfo(FilePath).Length;
            store.Commit("billing", 20);
            offsets[2] = new FileInfo(FilePath).Length;
            beforeLast = [.. store.List()];
            store.Commit("orders", 30);
        }

        return (File.ReadAllBytes(FilePath), offsets, beforeLast);
    }

    [Fact]
    public void Open_LastRecordCutAtEveryByte_RepairsToThePreviousRecords()
    {
        (byte[] original, long[] offsets, List<ConsumerCheckpoint> beforeLast) = CreateThreeRecordStore();
        long last = offsets[2];
        var failures = new List<string>();

        for (int cut = 0; cut < original.Length - last; cut++)
        {
            File.WriteAllBytes(FilePath, original.AsSpan(0, (int)last + cut).ToArray());
            var logger = new ListLogger();
            using (CheckpointStore store = Open(logger))
            {
                bool reported = cut == 0
                    ? logger.Entries.TrueForAll(e => e.EventId != 1301)
                    : logger.Entries.Exists(e => e.EventId == 1301 && e.Level == LogLevel.Warning
                        && e.Message.Contains($"offset {last}:", StringComparison.Ordinal) && e.Message.Contains($"truncated {cut} bytes", StringComparison.Ordinal));
                long kept = new FileInfo(FilePath).Length;
                if (!reported || kept != last || !SameState(beforeLast, store.List()))
                {
                    failures.Add($"cut {cut}: reported {reported}, kept {kept} bytes, state {string.Join(", ", store.List())}");
                }

                store.Commit("orders", 40);
            }

            using (CheckpointStore reopened = Open())
            {
                if (!reopened.TryGet("orders", out ConsumerCheckpoint orders) || orders.Position != 40 || !reopened.TryGet("billing", out ConsumerCheckpoint billing) || billing.Position != 20)
                {
                    failures.Add($"cut {cut}: after a commit on the repaired file, reopening gives {string.Join(", ", reopened.List())}");
                }
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public void Open_LastRecordWithABadCrc_IsATornTailAndIsCutOff()
    {
        (byte[] original, long[] offsets, List<ConsumerCheckpoint> beforeLast) = CreateThreeRecordStore();
        original[^1] ^= 0x01;
        File.WriteAllBytes(FilePath, original);
        var logger = new ListLogger();

        using CheckpointStore store = Open(logger);

        Assert.Equal(beforeLast, store.List());
        Assert.Equal(offsets[2], new FileInfo(FilePath).Length);
        Assert.Contains(logger.Entries, e => e.EventId == 1301 && e.Message.Contains($"truncated {original.Length - offsets[2]} bytes", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0x00)] // a file extended by the crash, its data never written
    [InlineData(0xA5)] // garbage
    public void Open_ValidRecordsFollowedByJunkWithNoValidRecord_CutsTheJunk(byte fill)
    {
        (byte[] original, _, _) = CreateThreeRecordStore();
        byte[] junk = new byte[300];
        junk.AsSpan().Fill(fill);
        File.WriteAllBytes(FilePath, [.. original, .. junk]);
        var logger = new ListLogger();

        using CheckpointStore store = Open(logger);

        Assert.Equal(2, store.List().Count);
        Assert.Equal(original.Length, new FileInfo(FilePath).Length);
        Assert.Contains(logger.Entries, e => e.EventId == 1301 && e.Message.Contains("truncated 300 bytes", StringComparison.Ordinal));
    }

    [Fact]
    public void Open_BitFlippedAnywhereInAMiddleRecord_RefusesWithTheFileAndOffset()
    {
        (byte[] original, long[] offsets, _) = CreateThreeRecordStore();
        long middle = offsets[1];
        var failures = new List<string>();

        for (long i = middle; i < offsets[2]; i++)
        {
            byte[] damaged = (byte[])original.Clone();
            damaged[i] ^= (byte)(1 << (int)(i % 8));
            File.WriteAllBytes(FilePath, damaged);

            CheckpointStoreCorruptedException? ex = Record.Exception(() => Open().Dispose()) as CheckpointStoreCorruptedException;

            if (ex is null || ex.File != FilePath || ex.Offset != middle || !ex.Message.Contains(FilePath, StringComparison.Ordinal)
                || !ex.Message.Contains($"offset {middle}", StringComparison.Ordinal) || !ex.Message.Contains($"follows at offset {offsets[2]}", StringComparison.Ordinal))
            {
                failures.Add($"byte {i}: {ex?.Message ?? "no corruption reported"}");
            }
        }

        Assert.Empty(failures);
        Assert.Equal(original.Length, new FileInfo(FilePath).Length); // a refused open changes nothing
    }

    [Fact]
    public void Open_BitFlippedInTheHeader_RefusesAtOffsetZero()
    {
        (byte[] original, _, _) = CreateThreeRecordStore();
        var failures = new List<string>();

        for (int i = 0; i < CheckpointFileHeader.Size; i++)
        {
            byte[] damaged = (byte[])original.Clone();
            damaged[i] ^= (byte)(1 << (i % 8));
            File.WriteAllBytes(FilePath, damaged);

            CheckpointStoreCorruptedException? ex = Record.Exception(() => Open().Dispose()) as CheckpointStoreCorruptedException;

            if (ex is null || ex.File != FilePath || ex.Offset != 0)
            {
                failures.Add($"byte {i}: {ex?.Message ?? "no corruption reported"}");
            }
        }

        Assert.Empty(failures);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(15)]
    public void Open_FileShorterThanTheHeader_Refuses(int length)
    {
        (byte[] original, _, _) = CreateThreeRecordStore();
        File.WriteAllBytes(FilePath, original.AsSpan(0, length).ToArray());

        CheckpointStoreCorruptedException ex = Assert.Throws<CheckpointStoreCorruptedException>(() => Open());

        Assert.Equal(0, ex.Offset);
        Assert.Contains("shorter than the 16-byte checkpoint file header", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_HeaderOfAnotherFormatVersion_RefusesNamingTheVersion()
    {
        (byte[] original, _, _) = CreateThreeRecordStore();
        BinaryPrimitives.WriteUInt16LittleEndian(original.AsSpan(4), 2);
        Journal.Format.CheckedHeader.Seal(original, CheckpointFileHeader.Size);
        File.WriteAllBytes(FilePath, original);

        CheckpointStoreCorruptedException ex = Assert.Throws<CheckpointStoreCorruptedException>(() => Open());

        Assert.Contains("format version 2 is not supported", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_StrayTempFileBesideTheStore_IsDeletedAndIgnored()
    {
        (byte[] original, long[] offsets, _) = CreateThreeRecordStore();
        string temp = Path.Combine(Folder, CheckpointFiles.TempFileName);
        File.WriteAllBytes(temp, original.AsSpan(0, (int)offsets[1]).ToArray()); // an older, valid-looking file
        var logger = new ListLogger();

        using CheckpointStore store = Open(logger);

        Assert.False(File.Exists(temp));
        Assert.Equal(["billing", "orders"], Names(store.List()));
        Assert.True(store.TryGet("orders", out ConsumerCheckpoint orders));
        Assert.Equal(30, orders.Position);
        Assert.Contains(logger.Entries, e => e.EventId == 1304);
    }

    [Fact]
    public void Open_StrayTempFileAndNoStore_StartsEmpty()
    {
        Directory.CreateDirectory(Folder);
        string temp = Path.Combine(Folder, CheckpointFiles.TempFileName);
        File.WriteAllBytes(temp, [1, 2, 3]); // a creation that never reached its rename

        using CheckpointStore store = Open();

        Assert.Empty(store.List());
        Assert.False(File.Exists(temp));
        Assert.True(File.Exists(FilePath));
    }

    // A crash (kill -9 or power loss) leaves some prefix of what was written; cutting the file at random lengths and
    // reopening must give exactly the state after the last whole record: a prefix of the committed history.
    [Fact]
    public void Open_FileCutAtRandomLengths_GivesThePrefixOfTheCommittedHistory()
    {
        var history = new List<(long Length, List<ConsumerCheckpoint> State)>();
        var model = new SortedDictionary<string, ConsumerCheckpoint>(StringComparer.Ordinal);
        string[] names = ["a", "b", "c.d", "e_f", "g-h"];
        var random = new Random(20250301);
        using (CheckpointStore store = Open())
        {
            history.Add((new FileInfo(FilePath).Length, []));
            for (int op = 0; op < 120; op++)
            {
                _time.SetUtcNow(Start.AddSeconds(op));
                string name = names[random.Next(names.Length)];
                int roll = random.Next(10);
                model.TryGetValue(name, out ConsumerCheckpoint current);
                bool exists = model.ContainsKey(name);
                if (roll < 8)
                {
                    long position = Math.Max(0, (exists ? current.Position : 0) + random.Next(-5, 30));
                    CommitResult result = store.Commit(name, position);
                    if (!exists || position > current.Position)
                    {
                        model[name] = new ConsumerCheckpoint(name, position, Start.AddSeconds(op).UtcTicks, exists ? current.Commits + 1 : 1);
                    }

                    Assert.Equal(!exists || position >= current.Position, result.Applied);
                }
                else if (roll == 8)
                {
                    long position = random.Next(0, 50);
                    store.Reset(name, position);
                    model[name] = new ConsumerCheckpoint(name, position, Start.AddSeconds(op).UtcTicks, exists ? current.Commits : 0);
                }
                else
                {
                    Assert.Equal(exists, store.Delete(name));
                    model.Remove(name);
                }

                Assert.Equal(model.Values, store.List());
                history.Add((new FileInfo(FilePath).Length, [.. model.Values]));
            }
        }

        byte[] full = File.ReadAllBytes(FilePath);
        Assert.Equal(full.Length, history[^1].Length);
        var cuts = new Random(42);
        var failures = new List<string>();

        for (int i = 0; i < 150; i++)
        {
            int cut = cuts.Next(CheckpointFileHeader.Size, full.Length + 1);
            string folder = _temp.Combine($"cut-{i}");
            Directory.CreateDirectory(folder);
            File.WriteAllBytes(Path.Combine(folder, CheckpointFiles.LogFileName), full.AsSpan(0, cut).ToArray());
            List<ConsumerCheckpoint> expected = history.FindLast(h => h.Length <= cut).State;

            using CheckpointStore store = CheckpointStore.Open(folder);

            if (!SameState(expected, store.List()))
            {
                failures.Add($"cut at {cut}: expected {string.Join(", ", expected)}, got {string.Join(", ", store.List())}");
            }
        }

        Assert.Empty(failures);
    }

    private static bool SameState(List<ConsumerCheckpoint> expected, IReadOnlyList<ConsumerCheckpoint> actual)
    {
        if (expected.Count != actual.Count)
        {
            return false;
        }

        for (int i = 0; i < expected.Count; i++)
        {
            if (expected[i] != actual[i])
            {
                return false;
            }
        }

        return true;
    }
}
