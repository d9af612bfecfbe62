using System;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Pipeline.Ledger.Tests;

public sealed class LedgerReadModelTests
{
    // The events a ledger state would emit for that change: opened (then deposited when the opening carries a balance
    // change), or deposited / withdrawn by the delta.
    private static void Apply(LedgerReadModel model, string account, int slot, long balance, long version, bool opened, long delta)
    {
        if (opened)
        {
            model.Apply(new LedgerEvent(LedgerEventKind.Opened, account, "account-" + account, 0, delta == 0 ? balance : 0, version, Slot: slot), default);
            if (delta == 0)
            {
                return;
            }
        }

        LedgerEventKind kind = delta >= 0 ? LedgerEventKind.Deposited : LedgerEventKind.Withdrawn;
        model.Apply(new LedgerEvent(kind, account, "account-" + account, Math.Abs(delta), balance, version, Slot: slot), default);
    }

    [Fact]
    public void Apply_OpenThenUpdates_QueriesSeeTheLatestBalanceVersionAndTotals()
    {
        var model = new LedgerReadModel(new LedgerState());

        Apply(model, "a", 0, 0, 1, opened: true, 0);
        Apply(model, "a", 0, 50, 2, opened: false, 50);
        Apply(model, "b", 1, 0, 1, opened: true, 0);
        model.Publish(3);

        Assert.True(model.TryGetAccount("a", out LedgerReadModel.AccountView a));
        Assert.Equal(new LedgerReadModel.AccountView(50, 2), a);
        Assert.False(model.TryGetAccount("c", out _));
        Assert.Equal(new LedgerReadModel.Totals(2, 50), model.CurrentTotals);
    }

    [Fact]
    public void Apply_WithoutASlot_UpdatesByTheId()
    {
        var model = new LedgerReadModel(new LedgerState());

        Apply(model, "a", -1, 0, 1, opened: true, 0);
        Apply(model, "a", -1, 7, 2, opened: false, 7);

        Assert.True(model.TryGetAccount("a", out LedgerReadModel.AccountView a));
        Assert.Equal(new LedgerReadModel.AccountView(7, 2), a);
    }

    [Fact]
    public void Apply_ASlotSeenWithAnotherId_UpdatesTheAccountNamedNotTheCachedOne()
    {
        var model = new LedgerReadModel(new LedgerState());
        Apply(model, "a", 3, 10, 1, opened: true, 10);
        Apply(model, "b", 4, 20, 1, opened: true, 20);

        Apply(model, "b", 3, 25, 2, opened: false, 5); // slot 3 is a's: the id decides

        Assert.True(model.TryGetAccount("a", out LedgerReadModel.AccountView a));
        Assert.True(model.TryGetAccount("b", out LedgerReadModel.AccountView b));
        Assert.Equal(new LedgerReadModel.AccountView(10, 1), a);
        Assert.Equal(new LedgerReadModel.AccountView(25, 2), b);
    }

    [Fact]
    public void Apply_SlotsBeyondTheFirstArray_AreKeptAndUpdated()
    {
        var model = new LedgerReadModel(new LedgerState());
        for (int slot = 0; slot < 5_000; slot++)
        {
            Apply(model, "acct-" + slot, slot, slot, 1, opened: true, slot);
        }

        Apply(model, "acct-4999", 4_999, 1, 2, opened: false, 1 - 4_999);
        model.Publish(5_001);

        Assert.True(model.TryGetAccount("acct-4999", out LedgerReadModel.AccountView last));
        Assert.Equal(new LedgerReadModel.AccountView(1, 2), last);
        Assert.True(model.TryGetAccount("acct-1234", out LedgerReadModel.AccountView middle));
        Assert.Equal(new LedgerReadModel.AccountView(1_234, 1), middle);
        Assert.Equal(5_000, model.CurrentTotals.Accounts);
    }

    [Fact(Timeout = 30_000)]
    public async Task CurrentTotals_WhileTheWriterAdvances_NeverSeesATornCountAndBalance()
    {
        // Each batch opens one account and adds 10 to the balance: balance == 10 * accounts in every published pair.
        const int Batches = 100_000;
        var model = new LedgerReadModel(new LedgerState());
        using var readerStarted = new ManualResetEventSlim();

        Task writer = Task.Factory.StartNew(
            () =>
            {
                Assert.True(readerStarted.Wait(TimeSpan.FromSeconds(10)));
                for (int i = 0; i < Batches; i++)
                {
                    Apply(model, "acct-" + i, i, 10, 1, opened: true, 10);
                    model.Publish(i);
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        Task reader = Task.Factory.StartNew(
            () =>
            {
                readerStarted.Set();
                do
                {
                    LedgerReadModel.Totals totals = model.CurrentTotals;
                    Assert.Equal(10 * (Int128)totals.Accounts, totals.Balance);
                }
                while (!writer.IsCompleted);
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        await Task.WhenAll(writer, reader).WaitAsync(TimeSpan.FromSeconds(25));

        Assert.Equal(new LedgerReadModel.Totals(Batches, 10 * Batches), model.CurrentTotals);
    }

    [Fact(Timeout = 30_000)]
    public async Task TryGetAccount_WhileTheWriterUpdatesInPlace_NeverSeesATornBalanceAndVersion()
    {
        // The writer keeps balance == 10 * version; a reader that saw one field of one update and the other of
        // the next would see that broken.
        const long Updates = 200_000;
        var model = new LedgerReadModel(new LedgerState());
        Apply(model, "x", 0, 10, 1, opened: true, 10);
        using var readerStarted = new ManualResetEventSlim();

        Task writer = Task.Factory.StartNew(
            () =>
            {
                Assert.True(readerStarted.Wait(TimeSpan.FromSeconds(10)));
                for (long v = 2; v <= Updates; v++)
                {
                    Apply(model, "x", 0, 10 * v, v, opened: false, 10);
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        Task<long> reader = Task.Factory.StartNew(
            () =>
            {
                long reads = 0;
                readerStarted.Set();
                do
                {
                    Assert.True(model.TryGetAccount("x", out LedgerReadModel.AccountView view));
                    Assert.Equal(10 * view.Version, view.Balance);
                    reads++;
                }
                while (!writer.IsCompleted);

                return reads;
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        await Task.WhenAll(writer, reader).WaitAsync(TimeSpan.FromSeconds(25));

        Assert.True(model.TryGetAccount("x", out LedgerReadModel.AccountView last));
        Assert.Equal(new LedgerReadModel.AccountView(10 * Updates, Updates), last);
    }
}
