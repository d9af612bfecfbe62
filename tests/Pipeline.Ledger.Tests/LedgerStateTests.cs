using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Pipeline.Journal.Snapshots;
using Xunit;

namespace Pipeline.Ledger.Tests;

public sealed class LedgerStateTests
{
    private static LedgerCommand Open(string account, long expectedVersion = -1) => new(LedgerCommandKind.Open, account, null, 0, expectedVersion);

    private static LedgerCommand Deposit(string account, long amount, long expectedVersion = -1) => new(LedgerCommandKind.Deposit, account, null, amount, expectedVersion);

    private static LedgerCommand Withdraw(string account, long amount, long expectedVersion = -1) => new(LedgerCommandKind.Withdraw, account, null, amount, expectedVersion);

    private static LedgerCommand Transfer(string from, string to, long amount, long expectedVersion = -1) => new(LedgerCommandKind.Transfer, from, to, amount, expectedVersion);

    // a: balance 100, version 2; b: balance 50, version 2; c: balance 0, version 1.
    private static LedgerState Sample()
    {
        var state = new LedgerState();
        Accept(state, Open("a"));
        Accept(state, Open("b"));
        Accept(state, Open("c"));
        Accept(state, Deposit("a", 100));
        Accept(state, Deposit("b", 50));
        return state;
    }

    private static void Accept(LedgerState state, LedgerCommand command) => Assert.Null(state.Apply(command));

    private static (long Balance, long Version) AccountOf(LedgerState state, string account)
    {
        Assert.True(state.TryGetAccount(account, out long balance, out long version), account);
        return (balance, version);
    }

    private static byte[] SnapshotBytes(LedgerState state)
    {
        using var stream = new MemoryStream();
        state.CaptureSnapshot().WriteTo(stream);
        return stream.ToArray();
    }

    private static LedgerState Restore(byte[] bytes)
    {
        var state = new LedgerState();
        using var stream = new MemoryStream(bytes);
        state.RestoreSnapshot(stream);
        return state;
    }

    [Fact]
    public void Apply_Open_CreatesAnEmptyAccountAtVersionOne()
    {
        var state = new LedgerState();

        string? reason = state.Apply(Open("a-1"));

        Assert.Null(reason);
        Assert.Equal((0L, 1L), AccountOf(state, "a-1"));
        Assert.Equal(1, state.AccountCount);
    }

    [Fact]
    public void Apply_OpenExistingAccount_RejectsAccountExists()
    {
        LedgerState state = Sample();

        string? reason = state.Apply(Open("a"));

        Assert.Equal(RejectReason.AccountExists, reason);
        Assert.Equal((100L, 2L), AccountOf(state, "a"));
    }

    [Fact]
    public void Apply_OpenExistingAccountWithExpectedVersionAboveZero_RejectsAccountExists()
    {
        LedgerState state = Sample();

        string? reason = state.Apply(Open("a", expectedVersion: 2), out AccountChange changed);

        Assert.Equal(RejectReason.AccountExists, reason);
        Assert.Equal(default, changed);
        Assert.Equal((100L, 2L), AccountOf(state, "a"));
    }

    [Fact]
    public void Apply_Accepted_GivesWhatEachKindLeftInItsAccounts()
    {
        LedgerState state = Sample();

        Assert.Null(state.Apply(Open("d"), out AccountChange opened));
        Assert.Null(state.Apply(Deposit("a", 7), out AccountChange deposited));
        Assert.Null(state.Apply(Withdraw("b", 20), out AccountChange withdrawn));
        Assert.Null(state.Apply(Transfer("a", "c", 30), out AccountChange transferred));

        // Sample opened a, b and c: slots 0, 1 and 2.
        Assert.Equal(new AccountChange(3, 0, 1, -1, 0, 0), opened);
        Assert.Equal(new AccountChange(0, 107, 3, -1, 0, 0), deposited);
        Assert.Equal(new AccountChange(1, 30, 3, -1, 0, 0), withdrawn);
        Assert.Equal(new AccountChange(0, 77, 4, 2, 30, 2), transferred);
        Assert.Equal((77L, 4L), AccountOf(state, "a")); // the change is what the state holds
        Assert.Equal((30L, 2L), AccountOf(state, "c"));
    }

    [Fact]
    public void Apply_AfterARestore_NumbersTheRestoredAccountsFirstAndNewOnesAfterThem()
    {
        LedgerState restored = Restore(SnapshotBytes(Sample()));

        Assert.Null(restored.Apply(Open("d"), out AccountChange opened));
        Assert.Null(restored.Apply(Deposit("d", 5), out AccountChange deposited));
        Assert.Null(restored.Apply(Deposit("a", 5), out AccountChange depositedA));

        Assert.Equal(3, opened.SlotA); // a, b and c took 0-2
        Assert.Equal(3, deposited.SlotA);
        Assert.InRange(depositedA.SlotA, 0, 2);
    }

    [Fact]
    public void Apply_Rejected_GivesNoChange()
    {
        LedgerState state = Sample();

        Assert.Equal(RejectReason.InsufficientFunds, state.Apply(Withdraw("c", 1), out AccountChange changed));

        Assert.Equal(default, changed);
        Assert.Equal((0L, 1L), AccountOf(state, "c"));
    }

    [Fact]
    public void Apply_OpenWithExpectedVersionZero_IsAccepted()
    {
        var state = new LedgerState();

        string? reason = state.Apply(Open("a", expectedVersion: 0));

        Assert.Null(reason);
    }

    [Fact]
    public void Apply_OpenWithExpectedVersionAboveZero_RejectsVersionConflict()
    {
        var state = new LedgerState();

        string? reason = state.Apply(Open("a", expectedVersion: 1));

        Assert.Equal(RejectReason.VersionConflict, reason);
        Assert.False(state.TryGetAccount("a", out _, out _));
    }

    [Fact]
    public void Apply_AccountIds_AreCaseSensitive()
    {
        LedgerState state = Sample();

        string? reason = state.Apply(Open("A"));

        Assert.Null(reason);
        Assert.Equal(4, state.AccountCount);
    }

    [Fact]
    public void Apply_Deposit_AddsTheAmountAndBumpsTheVersion()
    {
        LedgerState state = Sample();

        string? reason = state.Apply(Deposit("a", 25));

        Assert.Null(reason);
        Assert.Equal((125L, 3L), AccountOf(state, "a"));
        Assert.Equal(175, state.TotalBalance);
    }

    [Theory]
    [InlineData(LedgerCommandKind.Deposit)]
    [InlineData(LedgerCommandKind.Withdraw)]
    public void Apply_UnknownAccount_RejectsUnknownAccount(LedgerCommandKind kind)
    {
        LedgerState state = Sample();

        string? reason = state.Apply(new LedgerCommand(kind, "nobody", null, 1, -1));

        Assert.Equal(RejectReason.UnknownAccount, reason);
    }

    [Fact]
    public void Apply_DepositThatWouldOverflowTheBalance_RejectsInvalidAmount()
    {
        var state = new LedgerState();
        Accept(state, Open("a"));
        long deposits = long.MaxValue / LedgerCommand.MaxAmount; // 9223 deposits of 10^15 still fit
        for (long i = 0; i < deposits; i++)
        {
            Accept(state, Deposit("a", LedgerCommand.MaxAmount));
        }

        ulong before = state.ComputeDigest();

        string? reason = state.Apply(Deposit("a", LedgerCommand.MaxAmount));

        Assert.Equal(RejectReason.InvalidAmount, reason);
        Assert.Equal((deposits * LedgerCommand.MaxAmount, deposits + 1), AccountOf(state, "a"));
        Assert.Equal(before, state.ComputeDigest());
        Assert.Null(state.Apply(Deposit("a", long.MaxValue - (deposits * LedgerCommand.MaxAmount))));
        Assert.Equal(long.MaxValue, AccountOf(state, "a").Balance);
    }

    [Fact]
    public void Apply_Withdraw_SubtractsTheAmountAndBumpsTheVersion()
    {
        LedgerState state = Sample();

        string? reason = state.Apply(Withdraw("a", 40));

        Assert.Null(reason);
        Assert.Equal((60L, 3L), AccountOf(state, "a"));
        Assert.Equal(110, state.TotalBalance);
    }

    [Fact]
    public void Apply_WithdrawTheWholeBalance_LeavesZero()
    {
        LedgerState state = Sample();

        string? reason = state.Apply(Withdraw("a", 100));

        Assert.Null(reason);
        Assert.Equal((0L, 3L), AccountOf(state, "a"));
    }

    [Fact]
    public void Apply_WithdrawMoreThanTheBalance_RejectsInsufficientFunds()
    {
        LedgerState state = Sample();

        string? reason = state.Apply(Withdraw("a", 101));

        Assert.Equal(RejectReason.InsufficientFunds, reason);
        Assert.Equal((100L, 2L), AccountOf(state, "a"));
    }

    [Fact]
    public void Apply_Transfer_MovesTheAmountAndBumpsBothVersions()
    {
        LedgerState state = Sample();

        string? reason = state.Apply(Transfer("a", "b", 30));

        Assert.Null(reason);
        Assert.Equal((70L, 3L), AccountOf(state, "a"));
        Assert.Equal((80L, 3L), AccountOf(state, "b"));
        Assert.Equal(150, state.TotalBalance);
    }

    [Theory]
    [InlineData("a", "a")]
    [InlineData("nobody", "nobody")]
    public void Apply_TransferToTheSameAccount_RejectsSameAccount(string from, string to)
    {
        LedgerState state = Sample();

        string? reason = state.Apply(Transfer(from, to, 1));

        Assert.Equal(RejectReason.SameAccount, reason);
    }

    [Theory]
    [InlineData("nobody", "b")]
    [InlineData("a", "nobody")]
    public void Apply_TransferWithAnUnknownAccount_RejectsUnknownAccount(string from, string to)
    {
        LedgerState state = Sample();

        string? reason = state.Apply(Transfer(from, to, 1));

        Assert.Equal(RejectReason.UnknownAccount, reason);
    }

    [Fact]
    public void Apply_TransferMoreThanTheSourceHolds_RejectsInsufficientFunds()
    {
        LedgerState state = Sample();

        string? reason = state.Apply(Transfer("b", "a", 51));

        Assert.Equal(RejectReason.InsufficientFunds, reason);
    }

    [Fact]
    public void Apply_TransferThatWouldOverflowTheDestination_RejectsInvalidAmount()
    {
        var state = new LedgerState();
        Accept(state, Open("rich"));
        Accept(state, Open("a"));
        for (long i = 0; i < long.MaxValue / LedgerCommand.MaxAmount; i++)
        {
            Accept(state, Deposit("rich", LedgerCommand.MaxAmount));
        }

        Accept(state, Deposit("a", LedgerCommand.MaxAmount));
        ulong before = state.ComputeDigest();

        string? reason = state.Apply(Transfer("a", "rich", LedgerCommand.MaxAmount));

        Assert.Equal(RejectReason.InvalidAmount, reason);
        Assert.Equal(before, state.ComputeDigest());
    }

    [Theory]
    [InlineData(LedgerCommandKind.Deposit, 2, true)]
    [InlineData(LedgerCommandKind.Deposit, 1, false)]
    [InlineData(LedgerCommandKind.Deposit, 3, false)]
    [InlineData(LedgerCommandKind.Withdraw, 2, true)]
    [InlineData(LedgerCommandKind.Withdraw, 0, false)]
    public void Apply_ExpectedVersion_MustEqualTheAccountVersion(LedgerCommandKind kind, long expectedVersion, bool accepted)
    {
        LedgerState state = Sample();

        string? reason = state.Apply(new LedgerCommand(kind, "a", null, 10, expectedVersion));

        Assert.Equal(accepted ? null : RejectReason.VersionConflict, reason);
    }

    [Fact]
    public void Apply_TransferExpectedVersion_IsCheckedAgainstTheSourceOnly()
    {
        LedgerState state = Sample();
        Accept(state, Deposit("b", 1)); // b at version 3, a at version 2

        string? againstDestination = state.Apply(Transfer("a", "b", 5, expectedVersion: 3));
        string? againstSource = state.Apply(Transfer("a", "b", 5, expectedVersion: 2));

        Assert.Equal(RejectReason.VersionConflict, againstDestination);
        Assert.Null(againstSource);
        Assert.Equal((95L, 3L), AccountOf(state, "a"));
        Assert.Equal((56L, 4L), AccountOf(state, "b"));
    }

    [Fact]
    public void Apply_VersionCountsAcceptedChangesOnly()
    {
        var state = new LedgerState();

        Accept(state, Open("a"));
        Accept(state, Open("b"));
        Accept(state, Deposit("a", 10));
        Assert.NotNull(state.Apply(Withdraw("a", 11)));
        Assert.NotNull(state.Apply(Deposit("a", 1, expectedVersion: 7)));
        Accept(state, Withdraw("a", 4));
        Accept(state, Transfer("a", "b", 1));
        Assert.NotNull(state.Apply(Transfer("b", "a", 2)));

        Assert.Equal((5L, 4L), AccountOf(state, "a"));
        Assert.Equal((1L, 2L), AccountOf(state, "b"));
    }

    public static TheoryData<string, LedgerCommand> Rejections => new()
    {
        { RejectReason.AccountExists, Open("a") },
        { RejectReason.VersionConflict, Open("new", expectedVersion: 2) },
        { RejectReason.UnknownAccount, Deposit("nobody", 5) },
        { RejectReason.VersionConflict, Deposit("a", 5, expectedVersion: 9) },
        { RejectReason.UnknownAccount, Withdraw("nobody", 5) },
        { RejectReason.InsufficientFunds, Withdraw("c", 1) },
        { RejectReason.VersionConflict, Withdraw("a", 5, expectedVersion: 1) },
        { RejectReason.SameAccount, Transfer("a", "a", 5) },
        { RejectReason.UnknownAccount, Transfer("a", "nobody", 5) },
        { RejectReason.UnknownAccount, Transfer("nobody", "a", 5) },
        { RejectReason.VersionConflict, Transfer("a", "b", 5, expectedVersion: 5) },
        { RejectReason.InsufficientFunds, Transfer("c", "a", 5) },
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public void Apply_RejectedCommand_ChangesNothing(string expectedReason, LedgerCommand command)
    {
        LedgerState state = Sample();
        ulong digest = state.ComputeDigest();
        byte[] snapshot = SnapshotBytes(state);

        string? reason = state.Apply(command);

        Assert.Equal(expectedReason, reason);
        Assert.Equal(digest, state.ComputeDigest());
        Assert.Equal(snapshot, SnapshotBytes(state));
        Assert.Equal(150, state.TotalBalance);
        Assert.Equal(3, state.AccountCount);
    }

    [Fact]
    public void Apply_NotALedgerCommand_ThrowsArgumentOutOfRange()
    {
        var state = new LedgerState();

        Assert.Throws<ArgumentOutOfRangeException>(() => state.Apply(new LedgerCommand(LedgerCommandKind.None, "a", null, 0, -1)));
    }

    [Fact]
    public void Apply_WithRightHints_ChangesTheHintedAccounts()
    {
        LedgerState state = Sample(); // slots: a 0, b 1, c 2

        Assert.Null(state.Apply(Transfer("a", "c", 30), new AccountHints(0, 2), out AccountChange changed));

        Assert.Equal(new AccountChange(0, 70, 3, 2, 30, 2), changed);
        Assert.Equal((70L, 3L), AccountOf(state, "a"));
        Assert.Equal((30L, 2L), AccountOf(state, "c"));
    }

    [Theory]
    [InlineData(1, 0)] // each other's slots
    [InlineData(-1, 99)] // none, and beyond the accounts
    [InlineData(int.MinValue, int.MaxValue)]
    public void Apply_WithWrongHints_FindsTheAccountsByIdInstead(int fromHint, int toHint)
    {
        LedgerState state = Sample();

        Assert.Null(state.Apply(Transfer("a", "c", 30), new AccountHints(fromHint, toHint), out AccountChange changed));
        Assert.Null(state.Apply(Deposit("b", 5), new AccountHints(toHint, fromHint), out AccountChange deposited));

        Assert.Equal(new AccountChange(0, 70, 3, 2, 30, 2), changed);
        Assert.Equal(new AccountChange(1, 55, 3, -1, 0, 0), deposited);
        Assert.Equal((50L + 5, 3L), AccountOf(state, "b"));
    }

    [Fact]
    public void Apply_HintOfAnotherAccountForAnUnknownId_RejectsUnknownAccount()
    {
        LedgerState state = Sample();

        Assert.Equal(RejectReason.UnknownAccount, state.Apply(Withdraw("zz", 1), new AccountHints(0, -1), out _));
        Assert.Equal((100L, 2L), AccountOf(state, "a"));
    }

    [Fact]
    public void AccountSlots_ListsEveryAccountInSlotOrder_AlsoAfterARestore()
    {
        LedgerState state = Sample();
        Assert.Null(state.Apply(Open("d"), out AccountChange opened));

        LedgerState restored = Restore(SnapshotBytes(state));

        Assert.Equal([("a", 0), ("b", 1), ("c", 2), ("d", 3)], state.AccountSlots);
        Assert.Equal(3, opened.SlotA);
        // A restore numbers accounts in snapshot (ordinal id) order; every slot still names its own account.
        foreach ((string id, int slot) in restored.AccountSlots)
        {
            Assert.Null(restored.Apply(Deposit(id, 1), new AccountHints(slot, -1), out AccountChange changed));
            Assert.Equal(slot, changed.SlotA);
        }

        Assert.Equal(4, restored.AccountCount);
    }

    [Fact]
    public void RestoreSnapshot_OfACapture_PreservesDigestAndAccounts()
    {
        LedgerState state = Sample();
        Accept(state, Open("\U0001F600-ü"));
        Accept(state, Deposit("\U0001F600-ü", LedgerCommand.MaxAmount));

        LedgerState restored = Restore(SnapshotBytes(state));

        Assert.Equal(state.ComputeDigest(), restored.ComputeDigest());
        Assert.Equal(state.TotalBalance, restored.TotalBalance);
        Assert.Equal(state.AccountCount, restored.AccountCount);
        Assert.Equal((LedgerCommand.MaxAmount, 2L), AccountOf(restored, "\U0001F600-ü"));
        Assert.Equal((100L, 2L), AccountOf(restored, "a"));
        Assert.Equal(SnapshotBytes(state), SnapshotBytes(restored));
    }

    [Fact]
    public void RestoreSnapshot_ThenApply_BehavesLikeTheOriginal()
    {
        LedgerState state = Sample();
        LedgerState restored = Restore(SnapshotBytes(state));

        Accept(state, Transfer("a", "c", 60));
        Accept(restored, Transfer("a", "c", 60));

        Assert.Equal(state.ComputeDigest(), restored.ComputeDigest());
        Assert.Equal(RejectReason.InsufficientFunds, restored.Apply(Withdraw("a", 41)));
    }

    [Fact]
    public void CaptureSnapshot_IsFrozenAtCaptureTime()
    {
        LedgerState state = Sample();
        ISnapshotCapture capture = state.CaptureSnapshot();
        ulong digest = state.ComputeDigest();

        Accept(state, Deposit("c", 9));
        Accept(state, Open("d"));

        Assert.Equal(digest, capture.Digest);
        using var stream = new MemoryStream();
        capture.WriteTo(stream);
        Assert.Equal(digest, Restore(stream.ToArray()).ComputeDigest());
    }

    [Fact]
    public void RestoreSnapshot_OfAnEmptyState_GivesAnEmptyState()
    {
        var empty = new LedgerState();

        LedgerState restored = Restore(SnapshotBytes(empty));

        Assert.Equal(empty.ComputeDigest(), restored.ComputeDigest());
        Assert.Equal(0, restored.AccountCount);
    }

    public static TheoryData<string, byte[]> Garbage()
    {
        byte[] good = SnapshotBytes(Sample());
        return new TheoryData<string, byte[]>
        {
            { "empty", [] },
            { "text", Encoding.UTF8.GetBytes("this is not a ledger snapshot") },
            { "wrong format", Build(format: 2) },
            { "negative account count", Build(accounts: -1) },
            { "negative balance", Build(accounts: 1, id: "a", balance: -5, version: 1) },
            { "version zero", Build(accounts: 1, id: "a", balance: 5, version: 0) },
            { "duplicate account", BuildTwo("a", "a") },
            { "negative producer count", Build(producers: -1) },
            { "producer id zero", Build(producers: 1, producerId: 0) },
            { "trailing bytes", [.. good, 0] },
            { "truncated in an account", good[..20] },
            { "truncated in the producers", good[..^3] },
            { "string length runs past the end", Build(accounts: 1, rawId: [0xFF, 0xFF, 0x03]) },
            { "malformed string length", Build(accounts: 1, rawId: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]) },
        };
    }

    // format u32, last sequence i64, account count i32, accounts (string, i64, i64), producer count i32, producers.
    private static byte[] Build(uint format = 1, int accounts = 0, string id = "a", long balance = 0, long version = 1, byte[]? rawId = null, int producers = 0, ulong producerId = 1)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(format);
            writer.Write(7L);
            writer.Write(accounts);
            if (accounts > 0)
            {
                if (rawId is not null)
                {
                    writer.Write(rawId);
                    writer.Flush();
                    return stream.ToArray();
                }

                writer.Write(id);
                writer.Write(balance);
                writer.Write(version);
            }

            writer.Write(producers);
            if (producers > 0)
            {
                writer.Write(producerId);
                writer.Write(1UL);
                writer.Write(1L);
            }
        }

        return stream.ToArray();
    }

    private static byte[] BuildTwo(string first, string second)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(1u);
            writer.Write(7L);
            writer.Write(2);
            foreach (string id in new[] { first, second })
            {
                writer.Write(id);
                writer.Write(1L);
                writer.Write(1L);
            }

            writer.Write(0);
        }

        return stream.ToArray();
    }

    [Theory]
    [MemberData(nameof(Garbage))]
    public void RestoreSnapshot_Garbage_ThrowsInvalidDataException(string what, byte[] bytes)
    {
        Exception? ex = Record.Exception(() => Restore(bytes));

        Assert.True(ex is InvalidDataException, $"{what}: {ex?.GetType().Name ?? "no exception"}");
    }

    [Fact]
    public void RestoreSnapshot_IntoANonEmptyState_ThrowsInvalidOperationException()
    {
        LedgerState state = Sample();
        using var bytes = new MemoryStream(SnapshotBytes(Sample()));

        Assert.Throws<InvalidOperationException>(() => state.RestoreSnapshot(bytes));
    }

    [Fact]
    public void ComputeDigest_IsIndependentOfInsertionOrder()
    {
        var forward = new LedgerState();
        var backward = new LedgerState();
        var names = new List<string>();
        for (int i = 0; i < 50; i++)
        {
            names.Add("acct-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        foreach (string name in names)
        {
            Accept(forward, Open(name));
            Accept(forward, Deposit(name, name.Length * 10));
        }

        for (int i = names.Count - 1; i >= 0; i--)
        {
            Accept(backward, Open(names[i]));
            Accept(backward, Deposit(names[i], names[i].Length * 10));
        }


        Assert.Equal(forward.ComputeDigest(), backward.ComputeDigest());
        Assert.Equal(SnapshotBytes(forward), SnapshotBytes(backward));
    }

    [Fact]
    public void ComputeDigest_DiffersWhenABalanceOrVersionDiffers()
    {
        LedgerState reference = Sample();
        LedgerState otherBalance = Sample();
        LedgerState otherVersion = Sample();

        Accept(otherBalance, Transfer("a", "b", 1));
        Accept(otherBalance, Transfer("b", "a", 1)); // same balances, higher versions
        Accept(otherVersion, Deposit("c", 1));

        Assert.NotEqual(reference.ComputeDigest(), otherBalance.ComputeDigest());
        Assert.NotEqual(reference.ComputeDigest(), otherVersion.ComputeDigest());
        Assert.Equal(reference.ComputeDigest(), Sample().ComputeDigest());
    }
}
