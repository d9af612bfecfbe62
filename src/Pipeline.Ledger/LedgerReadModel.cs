using System;
using System.Collections.Concurrent;
using System.Threading;
using Pipeline.Application;

namespace Pipeline.Ledger;

/// <summary>
/// The query side (CQRS): account balances and totals, fed only by the ledger's events, separate from the
/// command-side <see cref="LedgerState"/>. Answers queries from connection threads while one thread updates it.
/// </summary>
// Design: the engine's read-model thread is the only writer. _accounts is a ConcurrentDictionary so readers on
// connection threads see each account's (balance, version) pair whole. The totals are published at the end of each
// batch (Publish) in a StampedCell like an account's (no object per batch); the engine publishes its position after
// that, so a reader that sees a position also sees every change up to it.
// An account's cell is created once and updated in place under a sequence lock (an odd stamp means a write is in
// progress; readers retry), so the hot path does not allocate: replacing a 16-byte struct value in a
// ConcurrentDictionary allocates a node per update.
public sealed class LedgerReadModel : IReadModel<LedgerEvent>
{
    private readonly ConcurrentDictionary<string, AccountCell> _accounts = new(StringComparer.Ordinal);
    private AccountCell?[] _bySlot = new AccountCell?[1024]; // writer thread only: the cells by the ledger's slot numbers
    private readonly StampedCell _totals = new(); // accounts, balance's low and high 64 bits
    private long _accountCount;
    private Int128 _balance;

    /// <summary>Starts from a restored command-side state (after a snapshot), before replay.</summary>
    public LedgerReadModel(LedgerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        foreach ((string id, int slot) in state.AccountSlots)
        {
            state.TryGetAccount(id, out long balance, out long version);
            Cache(Set(id, balance, version), slot);
        }

        _accountCount = state.AccountCount;
        _balance = state.TotalBalance;
        PublishTotals();
    }

    /// <summary>The number of accounts and the sum of their balances, as of the last <see cref="Publish"/>.</summary>
    public Totals CurrentTotals
    {
        get
        {
            (long accounts, long low, long high) = _totals.Read();
            return new Totals(accounts, new Int128((ulong)high, (ulong)low));
        }
    }

    /// <summary>An account's balance and version (any thread).</summary>
    public bool TryGetAccount(string account, out AccountView view)
    {
        if (_accounts.TryGetValue(account, out AccountCell? cell))
        {
            (long balance, long version, _) = cell.Read();
            view = new AccountView(balance, version);
            return true;
        }

        view = default;
        return false;
    }

    /// <inheritdoc />
    // Writer thread only. The event's slot (the ledger's number for the account) is a cache key that saves hashing the
    // id; a slot whose cell holds another id (cannot happen with one ledger, checked anyway) falls back to the id.
    public void Apply(in LedgerEvent @event, in EventContext context)
    {
        int slot = @event.Slot;
        if ((uint)slot < (uint)_bySlot.Length && _bySlot[slot] is { } cached && string.Equals(cached.Id, @event.Account, StringComparison.Ordinal))
        {
            cached.Write(@event.Balance, @event.Version, 0);
        }
        else
        {
            Cache(Set(@event.Account, @event.Balance, @event.Version), slot);
        }

        switch (@event.Kind)
        {
            case LedgerEventKind.Opened:
                _accountCount++;
                break;
            case LedgerEventKind.Deposited:
                _balance += @event.Amount;
                break;
            case LedgerEventKind.Withdrawn:
                _balance -= @event.Amount;
                break;
        }
    }

    /// <inheritdoc />
    public void Publish(long sequence) => PublishTotals();

    private void Cache(AccountCell cell, int slot)
    {
        if (slot < 0)
        {
            return;
        }

        if (slot >= _bySlot.Length)
        {
            Array.Resize(ref _bySlot, Math.Max(slot + 1, _bySlot.Length * 2));
        }

        _bySlot[slot] = cell;
    }

    private AccountCell Set(string account, long balance, long version)
    {
        if (_accounts.TryGetValue(account, out AccountCell? cell))
        {
            cell.Write(balance, version, 0);
            return cell;
        }

        cell = new AccountCell(account, balance, version);
        _accounts[account] = cell;
        return cell;
    }

    // Writer thread only.
    private void PublishTotals() => _totals.Write(_accountCount, (long)(ulong)_balance, (long)(ulong)(_balance >> 64));

    /// <summary>An account as the read model has it.</summary>
    /// <param name="Balance">The balance.</param>
    /// <param name="Version">The version.</param>
    public readonly record struct AccountView(long Balance, long Version);

    private sealed class AccountCell : StampedCell
    {
        public AccountCell(string id, long balance, long version)
        {
            Id = id;
            Write(balance, version, 0);
        }

        public string Id { get; }
    }

    // Three longs that one writer updates in place and any reader reads whole: a sequence lock, where an odd stamp
    // means a write is in progress and a reader that saw the stamp move retries.
    private class StampedCell
    {
        private long _stamp;
        private long _a;
        private long _b;
        private long _c;

        // Writer thread only.
        public void Write(long a, long b, long c)
        {
            // Release stores keep the order: the odd stamp is visible before any field, all before the even one.
            Volatile.Write(ref _stamp, _stamp + 1);
            Volatile.Write(ref _a, a);
            Volatile.Write(ref _b, b);
            Volatile.Write(ref _c, c);
            Volatile.Write(ref _stamp, _stamp + 1);
        }

        public (long A, long B, long C) Read()
        {
            var spinner = default(SpinWait);
            while (true)
            {
                long before = Volatile.Read(ref _stamp);
                long a = Volatile.Read(ref _a);
                long b = Volatile.Read(ref _b);
                long c = Volatile.Read(ref _c); // acquire loads: the stamp below is read after all three
                if ((before & 1) == 0 && Volatile.Read(ref _stamp) == before)
                {
                    return (a, b, c);
                }

                spinner.SpinOnce();
            }
        }
    }

    /// <summary>The ledger's totals.</summary>
    /// <param name="Accounts">The number of accounts.</param>
    /// <param name="Balance">The sum of all balances.</param>
    public sealed record Totals(long Accounts, Int128 Balance);
}
