using System;
using System.Collections.Generic;
using System.IO;
using Pipeline.Consumers.Format;
using Pipeline.Consumers.Internal;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Consumers.Tests;

public sealed partial class CheckpointStoreTests
{
    private const int SmallCompaction = 8;

    [Fact]
    public void Commit_PastTheCompactionThreshold_RewritesOneRecordPerConsumerAndKeepsTheState()
    {
        var logger = new ListLogger();
        List<ConsumerCheckpoint> before;
        using (CheckpointStore store = Open(logger, minCompactionRecords: SmallCompaction))
        {
            for (int i = 1; i <= 40; i++)
            {
                _time.SetUtcNow(Start.AddSeconds(i));
                store.Commit($"c{i % 3}", i);
                Assert.InRange(store.RecordCount, 1, 12); // compacted past max(8, 4 x 3 consumers)
            }

            store.Delete("c0");
            before = [.. store.List()];
        }

        using CheckpointStore reopened = Open(minCompactionRecords: SmallCompaction);

        Assert.Equal(before, reopened.List());
        Assert.Equal([new ConsumerCheckpoint("c1", 40, Start.AddSeconds(40).UtcTicks, 14), new ConsumerCheckpoint("c2", 38, Start.AddSeconds(38).UtcTicks, 13)], reopened.List());
        Assert.Contains(logger.Entries, e => e.EventId == 1305);
        Assert.False(File.Exists(Path.Combine(Folder, CheckpointFiles.TempFileName)));
    }

    [Fact]
    public void Compaction_LeavesAFileOfOneRecordPerLiveConsumer()
    {
        using CheckpointStore store = Open(minCompactionRecords: SmallCompaction);
        store.Commit("gone", 1);
        store.Delete("gone");
        for (int i = 1; i <= 7; i++)
        {
            store.Commit("a", i); // the 9th record (a's 7th commit) is past the threshold
        }

        Assert.Equal(1, store.RecordCount);
        Assert.Equal(CheckpointFileHeader.Size + CheckpointRecord.FixedSize + 1, new FileInfo(FilePath).Length);
        Assert.Equal([new ConsumerCheckpoint("a", 7, Start.UtcTicks, 7)], store.List());
        store.Commit("a", 8);
        Assert.Equal(2, store.RecordCount);
    }

    [Fact]
    public void Open_FileWithManySupersededRecords_CompactsIt()
    {
        using (CheckpointStore store = Open())
        {
            for (int i = 1; i <= 30; i++)
            {
                store.Commit($"c{i % 2}", i);
            }

            Assert.Equal(30, store.RecordCount);
        }

        using CheckpointStore reopened = Open(minCompactionRecords: SmallCompaction);

        Assert.Equal(2, reopened.RecordCount);
        Assert.Equal([30L, 29L], Positions(reopened.List()));
    }

    [Fact]
    public void Open_AfterACompactionLeftItsTempFile_IgnoresItAndKeepsTheState()
    {
        List<ConsumerCheckpoint> before;
        using (CheckpointStore store = Open(minCompactionRecords: SmallCompaction))
        {
            for (int i = 1; i <= 20; i++)
            {
                store.Commit($"c{i % 2}", i);
            }

            before = [.. store.List()];
        }

        // A crash in the middle of the next compaction: half of a temp file written, never renamed.
        byte[] current = File.ReadAllBytes(FilePath);
        string temp = Path.Combine(Folder, CheckpointFiles.TempFileName);
        File.WriteAllBytes(temp, current.AsSpan(0, current.Length / 2).ToArray());

        using (CheckpointStore reopened = Open(minCompactionRecords: SmallCompaction))
        {
            Assert.Equal(before, reopened.List());
            Assert.False(File.Exists(temp));
            for (int i = 21; i <= 40; i++)
            {
                reopened.Commit($"c{i % 2}", i);
            }
        }

        using CheckpointStore again = Open();
        Assert.Equal([40L, 39L], Positions(again.List()));
    }

    [Fact]
    public void Compaction_WhenItsWriteFails_KeepsTheOldFileAndRetriesLater()
    {
        using var io = new TestSegmentIO();
        var logger = new ListLogger();
        using CheckpointStore store = Open(logger, io, SmallCompaction);
        for (int i = 1; i <= SmallCompaction; i++)
        {
            store.Commit("a", i);
        }

        io.FailWriteAt = io.Writes + 2; // the next commit's record goes in; the compaction's temp file fails

        CommitResult result = store.Commit("a", 100);

        Assert.True(result.Applied);
        Assert.Equal(SmallCompaction + 1, store.RecordCount);
        Assert.Contains(logger.Entries, e => e.EventId == 1306);
        Assert.False(File.Exists(Path.Combine(Folder, CheckpointFiles.TempFileName)));
        for (int i = 101; store.RecordCount > 1; i++)
        {
            store.Commit("a", i); // the next attempt comes a threshold's worth of records later
            Assert.InRange(i, 101, 101 + SmallCompaction);
        }

        store.Dispose();
        using CheckpointStore reopened = Open();
        Assert.True(reopened.TryGet("a", out ConsumerCheckpoint a));
        Assert.Equal(100 + SmallCompaction, a.Position);
    }

    private static List<long> Positions(IReadOnlyList<ConsumerCheckpoint> checkpoints)
    {
        var positions = new List<long>(checkpoints.Count);
        foreach (ConsumerCheckpoint c in checkpoints)
        {
            positions.Add(c.Position);
        }

        return positions;
    }
}
