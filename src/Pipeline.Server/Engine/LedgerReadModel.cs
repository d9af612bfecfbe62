using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Ledger;

namespace Pipeline.Server.Engine;

/// <summary>
/// The query side (CQRS): account balances and totals, fed only by the changes the ledger stage emits, separate
/// from the command-side <see cref="LedgerState"/>. Answers queries from connection threads while one thread updates it.
/// </summary>
// Design: the read-model stage is the only writer. _accounts is a ConcurrentDictionary so readers on connection
// threads see each account's (balance, version) pair whole. The totals are published at the end of each batch
// in a StampedCell like an account's (no object per batch), and _position (the journal sequence reflected) is written after the batch's
// changes, so a reader that sees a position also sees every change up to it. Waiters for a position are kept
// under _waitGate; the writer checks them only when _waiterCount says there are any.
// An account's cell is created once and updated in place under a sequence lock (an odd stamp means a write is in
// progress; readers retry), so the hot path does not allocate: replacing a 16-byte struct value in a
// ConcurrentDictionary allocates a node per update.
internal sealed class LedgerReadModel
{
    private readonly ConcurrentDictionary<string, AccountCell> _accounts = new(StringComparer.Ordinal);
    private AccountCell?[] _bySlot = new AccountCell?[1024]; // writer thread only: the cells by the ledger's slot numbers
    private readonly object _waitGate = new();
    private readonly List<(long MinSequence, TaskCompletionSource<bool> Done)> _waiters = [];
    private readonly StampedCell _totals = new(); // accounts, balance's low and high 64 bits
    private long _position;
    private int _waiterCount;
    private long _accountCount;
    private Int128 _balance;

    public long Position => Volatile.Read(ref _position);

    public Totals CurrentTotals
    {
        get
        {
            (long accounts, long low, long high) = _totals.Read();
            return new Totals(accounts, new Int128((ulong)high, (ulong)low));
        }
    }

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

    /// <summary>Starts from a restored command-side state (after a snapshot), before replay.</summary>
    public void LoadFrom(LedgerState state)
    {
        foreach (string id in state.AccountIds)
        {
            state.TryGetAccount(id, out long balance, out long version);
            Set(id, balance, version);
        }

        _accountCount = state.AccountCount;
        _balance = state.TotalBalance;
        PublishTotals();
        Volatile.Write(ref _position, state.LastSequence);
    }

    // Writer thread only. slot: the ledger's number for the account (-1: unknown), a cache key that saves hashing
    // the id; a slot whose cell holds another id (cannot happen with one ledger, checked anyway) falls back to the id.
    public void Apply(string account, int slot, long balance, long version, bool opened, Int128 balanceDelta)
    {
        if ((uint)slot < (uint)_bySlot.Length && _bySlot[slot] is { } cached && string.Equals(cached.Id, account, StringComparison.Ordinal))
        {
            cached.Write(balance, version, 0);
        }
        else
        {
            AccountCell cell = Set(account, balance, version);
            if (slot >= 0)
            {
                if (slot >= _bySlot.Length)
                {
                    Array.Resize(ref _bySlot, Math.Max(slot + 1, _bySlot.Length * 2));
                }

                _bySlot[slot] = cell;
            }
        }

        if (opened)
        {
            _accountCount++;
        }

        _balance += balanceDelta;
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

    // Writer thread only: publishes the batch's position and wakes the queries it satisfies.
    public void Advance(long position)
    {
        PublishTotals();
        Volatile.Write(ref _position, position);
        if (Volatile.Read(ref _waiterCount) != 0)
        {
            ReleaseWaitersSlow(position);
        }
    }

    // Writer thread only.
    private void PublishTotals() => _totals.Write(_accountCount, (long)(ulong)_balance, (long)(ulong)(_balance >> 64));

    private void ReleaseWaitersSlow(long position)
    {
        lock (_waitGate)
        {
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].MinSequence <= position)
                {
                    _waiters[i].Done.TrySetResult(true);
                    _waiters.RemoveAt(i);
                }
            }

            Volatile.Write(ref _waiterCount, _waiters.Count);
        }
    }

    /// <summary>Completes with true once the position reaches <paramref name="minSequence"/>, false after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForAsync(long minSequence, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (Position >= minSequence)
        {
            return true;
        }

        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waitGate)
        {
            _waiters.Add((minSequence, done));
            Volatile.Write(ref _waiterCount, _waiters.Count);
        }

        // The writer may have advanced between the first check and the registration.
        if (Position >= minSequence)
        {
            Remove(done);
            return true;
        }

        try
        {
            return await done.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Remove(done);
            return Position >= minSequence;
        }
    }

    private void Remove(TaskCompletionSource<bool> done)
    {
        lock (_waitGate)
        {
            _waiters.RemoveAll(w => w.Done == done);
            Volatile.Write(ref _waiterCount, _waiters.Count);
        }
    }

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

    public sealed record Totals(long Accounts, Int128 Balance);
}
