using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.Extensions.Logging;
using Pipeline.Consumers.Internal;
using Pipeline.Journal.Internal;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Consumers.Tests;

public sealed partial class CheckpointStoreTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _temp = new();
    private readonly ManualTimeProvider _time = new(Start);

    public void Dispose() => _temp.Dispose();

    private string Folder => _temp.Combine("consumers");

    private string FilePath => Path.Combine(Folder, CheckpointFiles.LogFileName);

    private CheckpointStore Open(ILogger? logger = null, SegmentIO? io = null, int minCompactionRecords = CheckpointStore.DefaultMinCompactionRecords) =>
        CheckpointStore.Open(Folder, logger, _time, io ?? SegmentIO.Default, minCompactionRecords);

    [Fact]
    public void Commit_NewConsumer_CreatesItAndTryGetAndListReturnIt()
    {
        using CheckpointStore store = Open();

        CommitResult first = store.Commit("orders", 10);
        CommitResult other = store.Commit("billing", 0);

        var expected = new ConsumerCheckpoint("orders", 10, Start.UtcTicks, 1);
        Assert.Equal(new CommitResult(true, expected), first);
        Assert.Equal(new CommitResult(true, new ConsumerCheckpoint("billing", 0, Start.UtcTicks, 1)), other);
        Assert.True(store.TryGet("orders", out ConsumerCheckpoint got));
        Assert.Equal(expected, got);
        Assert.False(store.TryGet("shipping", out _));
        Assert.Equal(["billing", "orders"], Names(store.List()));
    }

    [Fact]
    public void Commit_Forward_MovesTheCheckpointAndCountsTheCommit()
    {
        using CheckpointStore store = Open();
        store.Commit("orders", 10);
        _time.SetUtcNow(Start.AddMinutes(1));

        CommitResult result = store.Commit("orders", 25);

        Assert.Equal(new CommitResult(true, new ConsumerCheckpoint("orders", 25, Start.AddMinutes(1).UtcTicks, 2)), result);
    }

    [Fact]
    public void Commit_BehindTheCheckpoint_IsRefusedAndReportsTheCurrentOne()
    {
        using CheckpointStore store = Open();
        ConsumerCheckpoint current = store.Commit("orders", 25).Checkpoint;
        long length = new FileInfo(FilePath).Length;

        CommitResult result = store.Commit("orders", 24);

        Assert.Equal(new CommitResult(false, current), result);
        Assert.True(store.TryGet("orders", out ConsumerCheckpoint after));
        Assert.Equal(25, after.Position);
        Assert.Equal(length, new FileInfo(FilePath).Length);
    }

    [Fact]
    public void Commit_SamePositionAgain_IsAppliedWithoutAWrite()
    {
        using var io = new TestSegmentIO();
        using CheckpointStore store = Open(io: io);
        ConsumerCheckpoint current = store.Commit("orders", 25).Checkpoint;
        int writes = io.Writes;
        _time.SetUtcNow(Start.AddHours(1));

        CommitResult result = store.Commit("orders", 25);

        Assert.Equal(new CommitResult(true, current), result);
        Assert.Equal(writes, io.Writes);
    }

    [Fact]
    public void Reset_BehindTheCheckpoint_MovesItBackwardsAndKeepsTheCommitCount()
    {
        var logger = new ListLogger();
        using CheckpointStore store = Open(logger);
        store.Commit("orders", 10);
        store.Commit("orders", 20);
        _time.SetUtcNow(Start.AddDays(1));

        ConsumerCheckpoint reset = store.Reset("orders", 5);

        Assert.Equal(new ConsumerCheckpoint("orders", 5, Start.AddDays(1).UtcTicks, 2), reset);
        Assert.True(store.TryGet("orders", out ConsumerCheckpoint got));
        Assert.Equal(reset, got);
        Assert.Equal(new CommitResult(true, reset with { Position = 6, Commits = 3 }), store.Commit("orders", 6));
        Assert.Contains(logger.Entries, e => e.EventId == 1308 && e.Message.Contains("orders", StringComparison.Ordinal) && e.Message.Contains("it was 20", StringComparison.Ordinal));
    }

    [Fact]
    public void Reset_MissingConsumer_CreatesIt()
    {
        using CheckpointStore store = Open();

        ConsumerCheckpoint reset = store.Reset("replayer", 100);

        Assert.Equal(new ConsumerCheckpoint("replayer", 100, Start.UtcTicks, 0), reset);
        Assert.Equal([reset], store.List());
    }

    [Fact]
    public void Delete_ExistingConsumer_RemovesItAndALaterCommitStartsAfresh()
    {
        var logger = new ListLogger();
        using CheckpointStore store = Open(logger);
        store.Commit("orders", 10);
        store.Commit("billing", 3);

        bool deleted = store.Delete("orders");
        bool again = store.Delete("orders");

        Assert.True(deleted);
        Assert.False(again);
        Assert.False(store.TryGet("orders", out _));
        Assert.Equal(["billing"], Names(store.List()));
        Assert.Equal(new CommitResult(true, new ConsumerCheckpoint("orders", 1, Start.UtcTicks, 1)), store.Commit("orders", 1));
        Assert.Single(logger.Entries, e => e.EventId == 1309);
    }

    [Fact]
    public void Open_AfterDispose_RestoresEveryConsumer()
    {
        List<ConsumerCheckpoint> before;
        using (CheckpointStore store = Open())
        {
            store.Commit("orders", 10);
            _time.SetUtcNow(Start.AddSeconds(1));
            store.Commit("orders", 11);
            store.Commit("billing", 7);
            store.Reset("billing", 2);
            store.Commit("gone", 1);
            store.Delete("gone");
            store.Reset("z.last-one_x", 0);
            before = [.. store.List()];
        }

        using CheckpointStore reopened = Open();

        Assert.Equal(before, reopened.List());
        Assert.Equal(
            [new ConsumerCheckpoint("billing", 2, Start.AddSeconds(1).UtcTicks, 1), new ConsumerCheckpoint("orders", 11, Start.AddSeconds(1).UtcTicks, 2), new ConsumerCheckpoint("z.last-one_x", 0, Start.AddSeconds(1).UtcTicks, 0)],
            reopened.List());
    }

    [Fact]
    public void Open_MissingFolder_CreatesItWithAnEmptyStore()
    {
        string folder = _temp.Combine(Path.Combine("a", "b", "consumers"));
        var logger = new ListLogger();

        using (CheckpointStore store = CheckpointStore.Open(folder, logger))
        {
            Assert.Empty(store.List());
            store.Commit("orders", 1);
        }

        Assert.True(File.Exists(Path.Combine(folder, CheckpointFiles.LogFileName)));
        Assert.Contains(logger.Entries, e => e.EventId == 1303);
        using CheckpointStore reopened = CheckpointStore.Open(folder);
        Assert.Equal(["orders"], Names(reopened.List()));
    }

    [Fact]
    public void Open_WhileAnotherStoreHasTheFolder_ThrowsUntilItIsDisposed()
    {
        CheckpointStore first = Open();

        IOException ex = Assert.Throws<IOException>(() => Open());
        first.Dispose();
        using CheckpointStore second = Open();

        Assert.Contains(Folder, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Calls_AfterDispose_ThrowObjectDisposed()
    {
        CheckpointStore store = Open();
        store.Commit("orders", 1);

        store.Dispose();
        store.Dispose();

        Assert.Throws<ObjectDisposedException>(() => store.Commit("orders", 2));
        Assert.Throws<ObjectDisposedException>(() => store.TryGet("orders", out _));
        Assert.Throws<ObjectDisposedException>(() => store.List());
        Assert.Throws<ObjectDisposedException>(() => store.Reset("orders", 0));
        Assert.Throws<ObjectDisposedException>(() => store.Delete("orders"));
    }

    public static TheoryData<string> InvalidNames() =>
    [
        "",
        new string('a', 129),
        "with space",
        "slash/in",
        "colon:in",
        "umlaut-ä",
        "nul\0",
        "tab\t",
    ];

    [Theory]
    [MemberData(nameof(InvalidNames))]
    public void Calls_WithAnInvalidName_ThrowArgumentExceptionNamingTheRule(string name)
    {
        using CheckpointStore store = Open();

        ArgumentException onCommit = Assert.Throws<ArgumentException>(() => store.Commit(name, 1));
        Assert.Throws<ArgumentException>(() => store.Reset(name, 1));
        Assert.Throws<ArgumentException>(() => store.Delete(name));
        Assert.Throws<ArgumentException>(() => store.TryGet(name, out _));
        bool valid = CheckpointStore.IsValidName(name, out string? error);

        Assert.False(valid);
        Assert.Equal(error, onCommit.Message[..error!.Length]);
        Assert.Equal("consumer", onCommit.ParamName);
        Assert.Empty(store.List());
    }

    [Fact]
    public void Calls_WithANullName_ThrowArgumentNull()
    {
        using CheckpointStore store = Open();

        Assert.Throws<ArgumentNullException>(() => store.Commit(null!, 1));
        Assert.False(CheckpointStore.IsValidName(null!, out string? error));
        Assert.NotNull(error);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("Orders.Projection_v2-eu")]
    [InlineData("0123456789")]
    public void IsValidName_AllowedCharacters_ReturnsTrue(string name)
    {
        Assert.True(CheckpointStore.IsValidName(name, out string? error));
        Assert.Null(error);
    }

    [Fact]
    public void Commit_LongestName_RoundTrips()
    {
        string name = new('n', 128);
        using (CheckpointStore store = Open())
        {
            store.Commit(name, long.MaxValue);
        }

        using CheckpointStore reopened = Open();

        Assert.True(reopened.TryGet(name, out ConsumerCheckpoint got));
        Assert.Equal(long.MaxValue, got.Position);
    }

    [Fact]
    public void CommitAndReset_NegativePosition_ThrowArgumentOutOfRange()
    {
        using CheckpointStore store = Open();

        ArgumentOutOfRangeException onCommit = Assert.Throws<ArgumentOutOfRangeException>(() => store.Commit("orders", -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => store.Reset("orders", long.MinValue));

        Assert.Equal("position", onCommit.ParamName);
        Assert.Empty(store.List());
    }

    private static List<string> Names(IReadOnlyList<ConsumerCheckpoint> checkpoints)
    {
        var names = new List<string>(checkpoints.Count);
        foreach (ConsumerCheckpoint c in checkpoints)
        {
            names.Add(c.Name);
        }

        return names;
    }
}
