using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Pipeline.Journal.Snapshots;
using Pipeline.Ledger;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Journal.Tests.Snapshots;

public sealed class FileSnapshotStoreTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Folder => _temp.Combine("snapshots");

    // A ledger with `accounts` accounts whose balances depend on `salt`, having applied events up to `sequence`.
    private static LedgerState Ledger(int accounts, int salt, long sequence)
    {
        var state = new LedgerState();
        for (int i = 0; i < accounts; i++)
        {
            string id = "acct-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Null(state.Apply(new LedgerCommand(LedgerCommandKind.Open, id, null, 0, -1)));
            Assert.Null(state.Apply(new LedgerCommand(LedgerCommandKind.Deposit, id, null, 100 + (i * salt), -1)));
        }

        return state;
    }

    private static string FileOf(string folder, long sequence) =>
        Path.Combine(folder, sequence.ToString("D20", System.Globalization.CultureInfo.InvariantCulture) + ".snapshot");

    [Fact]
    public void Write_ThenList_ReturnsEverySnapshotNewestFirstWithItsHeader()
    {
        var store = new FileSnapshotStore(Folder, keep: 5);
        LedgerState older = Ledger(3, 1, 100);
        LedgerState newer = Ledger(4, 2, 250);

        SnapshotInfo first = store.Write(100, 1111, older.CaptureSnapshot());
        SnapshotInfo second = store.Write(250, 2222, newer.CaptureSnapshot());
        IReadOnlyList<SnapshotInfo> listed = store.List();

        Assert.Equal(2, listed.Count);
        Assert.Equal(250, listed[0].Sequence);
        Assert.Equal(100, listed[1].Sequence);
        Assert.All(listed, s => Assert.True(s.IsValid, s.Problem));
        Assert.Equal(newer.ComputeDigest(), listed[0].Digest);
        Assert.Equal(older.ComputeDigest(), listed[1].Digest);
        Assert.Equal(2222, listed[0].TimestampTicks);
        Assert.Equal(second, listed[0]);
        Assert.Equal(first, listed[1]);
        Assert.Equal(new FileInfo(FileOf(Folder, 250)).Length, listed[0].SizeBytes);
    }

    [Fact]
    public void TryLoadNewest_SeveralSnapshots_RestoresTheNewest()
    {
        var store = new FileSnapshotStore(Folder);
        store.Write(100, 1, Ledger(3, 1, 100).CaptureSnapshot());
        LedgerState newest = Ledger(5, 3, 300);
        store.Write(300, 3, newest.CaptureSnapshot());

        (LedgerState State, SnapshotInfo Snapshot)? loaded = store.TryLoadNewest(() => new LedgerState());

        Assert.NotNull(loaded);
        Assert.Equal(300, loaded.Value.Snapshot.Sequence);
        Assert.Equal(newest.ComputeDigest(), loaded.Value.State.ComputeDigest());
        Assert.Equal(newest.TotalBalance, loaded.Value.State.TotalBalance);
    }

    [Fact]
    public void Write_MoreThanKeep_KeepsOnlyTheNewest()
    {
        var store = new FileSnapshotStore(Folder, keep: 2);

        for (int i = 1; i <= 5; i++)
        {
            store.Write(i * 10, i, Ledger(i, i, i * 10).CaptureSnapshot());
        }

        IReadOnlyList<SnapshotInfo> listed = store.List();
        Assert.Equal([50L, 40L], [listed[0].Sequence, listed[1].Sequence]);
        Assert.Equal(2, Directory.GetFiles(Folder).Length);
    }

    [Fact]
    public void Write_CapturesTheStateAsItWasAtCapture()
    {
        var store = new FileSnapshotStore(Folder);
        LedgerState state = Ledger(3, 1, 100);
        ulong digestAtCapture = state.ComputeDigest();
        ISnapshotCapture capture = state.CaptureSnapshot();
        Assert.Null(state.Apply(new LedgerCommand(LedgerCommandKind.Deposit, "acct-0", null, 5, -1)));

        store.Write(100, 1, capture);

        (LedgerState State, SnapshotInfo Snapshot)? loaded = store.TryLoadNewest(() => new LedgerState());
        Assert.NotNull(loaded);
        Assert.Equal(digestAtCapture, loaded.Value.State.ComputeDigest());
        Assert.NotEqual(state.ComputeDigest(), loaded.Value.State.ComputeDigest());
    }

    [Theory]
    [InlineData("payload byte", true)]
    [InlineData("truncated", true)]
    [InlineData("header byte", true)]
    [InlineData("header only", true)]
    [InlineData("empty file", true)]
    [InlineData("extra byte", true)]
    [InlineData("digest mismatch", false)]
    [InlineData("unreadable state", false)]
    public void TryLoadNewest_NewestUnusable_ReportsItAndRestoresTheOlder(string damage, bool listedAsInvalid)
    {
        var store = new FileSnapshotStore(Folder);
        LedgerState older = Ledger(3, 1, 100);
        store.Write(100, 1, older.CaptureSnapshot());
        string newest = FileOf(Folder, 200);
        switch (damage)
        {
            case "digest mismatch":
                store.Write(200, 2, new WrongDigestCapture(Ledger(4, 2, 200).CaptureSnapshot()));
                break;
            case "unreadable state":
                store.Write(200, 2, new BytesCapture(Encoding.UTF8.GetBytes("not a ledger snapshot"), 42));
                break;
            default:
                store.Write(200, 2, Ledger(4, 2, 200).CaptureSnapshot());
                Damage(newest, damage);
                break;
        }

        var reported = new List<(SnapshotInfo Info, string Problem)>();
        (LedgerState State, SnapshotInfo Snapshot)? loaded = store.TryLoadNewest(() => new LedgerState(), (info, problem) => reported.Add((info, problem)));

        Assert.NotNull(loaded);
        Assert.Equal(100, loaded.Value.Snapshot.Sequence);
        Assert.Equal(older.ComputeDigest(), loaded.Value.State.ComputeDigest());
        (SnapshotInfo info, string problem) = Assert.Single(reported);
        Assert.Equal(newest, info.Path);
        Assert.Equal(200, info.Sequence);
        Assert.False(string.IsNullOrWhiteSpace(problem));
        Assert.Equal(problem, info.Problem);
        Assert.Equal(listedAsInvalid, !store.List()[0].IsValid);
    }

    private static void Damage(string path, string damage)
    {
        byte[] bytes = File.ReadAllBytes(path);
        switch (damage)
        {
            case "payload byte":
                bytes[^3] ^= 0x10;
                break;
            case "truncated":
                Array.Resize(ref bytes, bytes.Length - 7);
                break;
            case "header byte":
                bytes[20] ^= 0x01; // inside the digest: the header CRC no longer matches
                break;
            case "header only":
                Array.Resize(ref bytes, 48);
                break;
            case "empty file":
                bytes = [];
                break;
            case "extra byte":
                Array.Resize(ref bytes, bytes.Length + 1);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(damage), damage, "unknown damage");
        }

        File.WriteAllBytes(path, bytes);
    }

    [Fact]
    public void TryLoadNewest_EverySnapshotCorrupt_ReturnsNullAfterReportingEach()
    {
        var store = new FileSnapshotStore(Folder);
        store.Write(100, 1, Ledger(3, 1, 100).CaptureSnapshot());
        store.Write(200, 2, Ledger(4, 2, 200).CaptureSnapshot());
        Damage(FileOf(Folder, 100), "payload byte");
        Damage(FileOf(Folder, 200), "truncated");
        var reported = new List<long>();

        (LedgerState State, SnapshotInfo Snapshot)? loaded = store.TryLoadNewest(() => new LedgerState(), (info, _) => reported.Add(info.Sequence));

        Assert.Null(loaded);
        Assert.Equal([200L, 100L], reported);
    }

    [Fact]
    public void TryLoadNewest_NoFolder_ReturnsNull()
    {
        var store = new FileSnapshotStore(Folder);

        (LedgerState State, SnapshotInfo Snapshot)? loaded = store.TryLoadNewest(() => new LedgerState());

        Assert.Null(loaded);
        Assert.Empty(store.List());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(70_000)] // past the store's 64 KiB buffer: the failure happens after bytes reached the file
    public void Write_WhenTheCaptureFailsMidway_LeavesNoFileAndTheOlderSnapshotsIntact(int failAfterBytes)
    {
        var store = new FileSnapshotStore(Folder);
        LedgerState older = Ledger(3, 1, 100);
        store.Write(100, 1, older.CaptureSnapshot());
        var failing = new FailingCapture(Ledger(5000, 5, 200).CaptureSnapshot(), failAfterBytes);

        Assert.Throws<IOException>(() => store.Write(200, 2, failing));

        Assert.False(File.Exists(FileOf(Folder, 200)));
        Assert.Equal([FileOf(Folder, 100)], Directory.GetFiles(Folder));
        SnapshotInfo remaining = Assert.Single(store.List());
        Assert.True(remaining.IsValid);
        (LedgerState State, SnapshotInfo Snapshot)? loaded = store.TryLoadNewest(() => new LedgerState());
        Assert.NotNull(loaded);
        Assert.Equal(older.ComputeDigest(), loaded.Value.State.ComputeDigest());
    }

    [Fact]
    public void Write_AfterAFailedWrite_Succeeds()
    {
        var store = new FileSnapshotStore(Folder);
        LedgerState state = Ledger(50, 2, 200);
        Assert.Throws<IOException>(() => store.Write(200, 2, new FailingCapture(state.CaptureSnapshot(), 100)));

        SnapshotInfo written = store.Write(200, 2, state.CaptureSnapshot());

        Assert.True(written.IsValid);
        Assert.Equal(state.ComputeDigest(), store.TryLoadNewest(() => new LedgerState())!.Value.State.ComputeDigest());
    }

    [Fact]
    public void Constructor_KeepBelowOne_ThrowsArgumentOutOfRange()
    {
        string folder = Folder;

        Assert.Throws<ArgumentOutOfRangeException>(() => new FileSnapshotStore(folder, keep: 0));
    }

    // Writes the real capture's bytes through a stream that fails after `failAfterBytes` (a disk filling up).
    private sealed class FailingCapture(ISnapshotCapture inner, long failAfterBytes) : ISnapshotCapture
    {
        public ulong Digest => inner.Digest;

        public void WriteTo(Stream destination)
        {
            using var failing = new FaultInjectingStream(destination, failAfterBytes);
            inner.WriteTo(failing);
        }
    }

    // A capture whose recorded digest is not the digest of the state it writes.
    private sealed class WrongDigestCapture(ISnapshotCapture inner) : ISnapshotCapture
    {
        public ulong Digest => inner.Digest ^ 1;

        public void WriteTo(Stream destination) => inner.WriteTo(destination);
    }

    // Arbitrary bytes as a snapshot payload (its CRC is right, its content is not a ledger).
    private sealed class BytesCapture(byte[] bytes, ulong digest) : ISnapshotCapture
    {
        public ulong Digest => digest;

        public void WriteTo(Stream destination) => destination.Write(bytes);
    }
}
