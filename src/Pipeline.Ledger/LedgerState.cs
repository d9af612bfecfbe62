using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Pipeline.Application;
using Pipeline.Journal.Snapshots;

namespace Pipeline.Ledger;

/// <summary>
/// The command side of the ledger: accounts (balance, version). <see cref="Decide"/> checks a command against it
/// and emits the events an accepted one causes, changing nothing; <see cref="Evolve"/> applies an event. A refused
/// command leaves no trace, and replay refuses it again.
/// </summary>
/// <remarks>Owned by one thread (the sequenced stateful handler); not thread-safe, except <see cref="Ids"/>. Reads no clock and no randomness.</remarks>
public sealed class LedgerState : ISnapshotable
{
    /// <summary>The prefix of an account's stream id: <c>account-a-1</c> holds the events of account <c>a-1</c>.</summary>
    public const string StreamPrefix = "account-";

    private const uint SnapshotFormat = 2;
    private readonly Dictionary<string, Account> _accounts = new(StringComparer.Ordinal);

    // The accounts by slot (see AccountChange): what an AccountHints slot indexes.
    private readonly List<Account> _bySlot = [];
    private readonly EventSink<LedgerEvent> _scratch = new();
    private Int128 _total;

    /// <summary>The account ids with their slots, for the decoders (thread-safe reads while this state changes).</summary>
    public AccountIdTable Ids { get; } = new();

    /// <summary>The number of accounts.</summary>
    public int AccountCount => _accounts.Count;

    /// <summary>The sum of all balances.</summary>
    public Int128 TotalBalance => _total;

    /// <summary>Every account id (unordered).</summary>
    public IEnumerable<string> AccountIds => _accounts.Keys;

    /// <summary>Every account id with its slot (see <see cref="AccountChange"/>), in slot order.</summary>
    public IEnumerable<(string Id, int Slot)> AccountSlots
    {
        get
        {
            for (int i = 0; i < _bySlot.Count; i++)
            {
                yield return (_bySlot[i].Id, i);
            }
        }
    }

    /// <summary>Looks an account up.</summary>
    public bool TryGetAccount(string account, out long balance, out long version)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (_accounts.TryGetValue(account, out Account? a))
        {
            balance = a.Balance;
            version = a.Version;
            return true;
        }

        balance = 0;
        version = 0;
        return false;
    }

    /// <summary>Applies <paramref name="command"/> (decide, then evolve); returns null if accepted, else the reject reason (and nothing changed).</summary>
    public string? Apply(in LedgerCommand command) => Apply(command, out _);

    /// <summary>
    /// Applies <paramref name="command"/>; returns null if accepted, else the reject reason (and nothing changed).
    /// When accepted, <paramref name="changed"/> holds the balances and versions it left.
    /// </summary>
    public string? Apply(in LedgerCommand command, out AccountChange changed) => Apply(command, AccountHints.None, out changed);

    /// <summary>As <see cref="Apply(in LedgerCommand, out AccountChange)"/>, with the decoder's slot hints.</summary>
    public string? Apply(in LedgerCommand command, AccountHints hints, out AccountChange changed)
    {
        changed = default;
        _scratch.Clear();
        string? reason = Decide(command, hints, _scratch);
        if (reason is not null)
        {
            return reason;
        }

        for (int i = 0; i < _scratch.Count; i++)
        {
            Evolve(_scratch[i]);
        }

        LedgerEvent a = _scratch[0];
        int slotA = a.Kind == LedgerEventKind.Opened ? _accounts[a.Account].Slot : a.Slot;
        changed = _scratch.Count == 2
            ? new AccountChange(slotA, a.Balance, a.Version, _scratch[1].Slot, _scratch[1].Balance, _scratch[1].Version)
            : new AccountChange(slotA, a.Balance, a.Version, -1, 0, 0);
        _scratch.Clear();
        return null;
    }

    /// <summary>
    /// Checks <paramref name="command"/> against the state without changing it: returns the reject reason, or null
    /// and emits its events into <paramref name="events"/> (one per account changed, with the balance and version
    /// each leaves; <see cref="Evolve"/> then applies them). The accounts are found at the slots in
    /// <paramref name="hints"/> when they hold them, and by id otherwise: a wrong or stale hint costs a lookup, never a wrong account.
    /// </summary>
    public string? Decide(in LedgerCommand command, AccountHints hints, EventSink<LedgerEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        switch (command.Kind)
        {
            case LedgerCommandKind.Open:
            {
                if (_accounts.ContainsKey(command.Account))
                {
                    return RejectReason.AccountExists;
                }

                if (command.ExpectedVersion > 0)
                {
                    return RejectReason.VersionConflict; // an account that does not exist is at version 0
                }

                events.Emit(new LedgerEvent(LedgerEventKind.Opened, command.Account, StreamPrefix + command.Account, 0, 0, 1, Slot: _bySlot.Count));
                return null;
            }

            case LedgerCommandKind.Deposit:
            {
                if (!TryFind(command.Account, hints.Account, out Account? account))
                {
                    return RejectReason.UnknownAccount;
                }

                if (command.ExpectedVersion >= 0 && command.ExpectedVersion != account.Version)
                {
                    return RejectReason.VersionConflict;
                }

                if (account.Balance > long.MaxValue - command.Amount)
                {
                    return RejectReason.InvalidAmount;
                }

                events.Emit(new LedgerEvent(LedgerEventKind.Deposited, account.Id, account.Stream, command.Amount, account.Balance + command.Amount, account.Version + 1, Slot: account.Slot, Reference: command.Reference));
                return null;
            }

            case LedgerCommandKind.Withdraw:
            {
                if (!TryFind(command.Account, hints.Account, out Account? account))
                {
                    return RejectReason.UnknownAccount;
                }

                if (command.ExpectedVersion >= 0 && command.ExpectedVersion != account.Version)
                {
                    return RejectReason.VersionConflict;
                }

                if (account.Balance < command.Amount)
                {
                    return RejectReason.InsufficientFunds;
                }

                events.Emit(new LedgerEvent(LedgerEventKind.Withdrawn, account.Id, account.Stream, command.Amount, account.Balance - command.Amount, account.Version + 1, Slot: account.Slot));
                return null;
            }

            case LedgerCommandKind.Transfer:
            {
                if (string.Equals(command.Account, command.To, StringComparison.Ordinal))
                {
                    return RejectReason.SameAccount;
                }

                if (!TryFind(command.Account, hints.Account, out Account? from) || !TryFind(command.To!, hints.To, out Account? to))
                {
                    return RejectReason.UnknownAccount;
                }

                if (command.ExpectedVersion >= 0 && command.ExpectedVersion != from.Version)
                {
                    return RejectReason.VersionConflict;
                }

                if (from.Balance < command.Amount)
                {
                    return RejectReason.InsufficientFunds;
                }

                if (to.Balance > long.MaxValue - command.Amount)
                {
                    return RejectReason.InvalidAmount;
                }

                events.Emit(new LedgerEvent(LedgerEventKind.TransferredOut, from.Id, from.Stream, command.Amount, from.Balance - command.Amount, from.Version + 1, from.Id, to.Id, from.Slot));
                events.Emit(new LedgerEvent(LedgerEventKind.TransferredIn, to.Id, to.Stream, command.Amount, to.Balance + command.Amount, to.Version + 1, from.Id, to.Id, to.Slot));
                return null;
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(command), command.Kind, "Not a ledger command kind.");
        }
    }

    /// <summary>Applies one event (emitted by <see cref="Decide"/> on this state, or replayed in order).</summary>
    /// <exception cref="InvalidOperationException">The event does not follow from the state (an account opened twice, or unknown).</exception>
    public void Evolve(in LedgerEvent e)
    {
        if (e.Kind == LedgerEventKind.Opened)
        {
            ref Account? slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_accounts, e.Account, out bool exists);
            if (exists)
            {
                throw new InvalidOperationException($"Account '{e.Account}' is opened twice.");
            }

            slot = new Account { Id = e.Account, Stream = e.Stream, Version = 1, Slot = _bySlot.Count }; // accounts are never removed: the count numbers them
            _bySlot.Add(slot);
            Ids.Add(e.Account, slot.Slot);
            return;
        }

        if (!TryFind(e.Account, e.Slot, out Account? account))
        {
            throw new InvalidOperationException($"Event {e.Kind} names account '{e.Account}', which is not open.");
        }

        _total += e.Balance - account.Balance;
        account.Balance = e.Balance;
        account.Version = e.Version;
    }

    private bool TryFind(string id, int hint, [NotNullWhen(true)] out Account? account)
    {
        if ((uint)hint < (uint)_bySlot.Count)
        {
            Account candidate = _bySlot[hint];
            if (string.Equals(candidate.Id, id, StringComparison.Ordinal)) // the same instance when the hint is right
            {
                account = candidate;
                return true;
            }
        }

        return _accounts.TryGetValue(id, out account);
    }

    /// <inheritdoc />
    public ISnapshotCapture CaptureSnapshot()
    {
        // A flat copy on the handler's thread; sorting and writing happen on the snapshot thread.
        var accounts = new (string Id, long Balance, long Version)[_accounts.Count];
        int i = 0;
        foreach (KeyValuePair<string, Account> pair in _accounts)
        {
            accounts[i++] = (pair.Key, pair.Value.Balance, pair.Value.Version);
        }

        return new Capture(accounts);
    }

    /// <inheritdoc />
    public void RestoreSnapshot(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (_accounts.Count != 0)
        {
            throw new InvalidOperationException("A snapshot restores into an empty state only.");
        }

        using var reader = new BinaryReader(source, Encoding.UTF8, leaveOpen: true);
        try
        {
            Restore(reader, source);
        }
        catch (Exception ex) when (ex is EndOfStreamException or FormatException)
        {
            // A stream that ends early or holds a malformed string is a state this code cannot read, like any other.
            throw new InvalidDataException("The ledger snapshot ends early or holds a malformed string.", ex);
        }
    }

    private void Restore(BinaryReader reader, Stream source)
    {
        uint format = reader.ReadUInt32();
        if (format != SnapshotFormat)
        {
            throw new InvalidDataException($"Ledger snapshot format {format} is not supported.");
        }

        int accounts = reader.ReadInt32();
        if (accounts < 0)
        {
            throw new InvalidDataException("Negative account count in the ledger snapshot.");
        }

        for (int i = 0; i < accounts; i++)
        {
            string id = reader.ReadString();
            long balance = reader.ReadInt64();
            long version = reader.ReadInt64();
            var account = new Account { Id = id, Stream = StreamPrefix + id, Balance = balance, Version = version, Slot = _accounts.Count };
            if (balance < 0 || version < 1 || !_accounts.TryAdd(id, account))
            {
                throw new InvalidDataException($"Invalid or duplicate account '{id}' in the ledger snapshot.");
            }

            _bySlot.Add(account);
            Ids.Add(id, account.Slot);

            _total += balance;
        }

        if (source.CanSeek && source.Position != source.Length)
        {
            throw new InvalidDataException("Trailing bytes after the ledger snapshot.");
        }
    }

    /// <inheritdoc />
    public ulong ComputeDigest() => ((Capture)CaptureSnapshot()).Digest;

    private sealed class Account
    {
        public required string Id { get; init; }

        /// <summary>The account's stream id, made once so that its events do not allocate one each.</summary>
        public required string Stream { get; init; }

        /// <summary>The account's number in this state: 0, 1, 2... in the order accounts were opened or restored; never reused.</summary>
        public int Slot { get; init; }

        public long Balance { get; set; }

        public long Version { get; set; }
    }

    private sealed class Capture : ISnapshotCapture
    {
        private readonly (string Id, long Balance, long Version)[] _accounts;
        private ulong? _digest;

        public Capture((string, long, long)[] accounts)
        {
            _accounts = accounts;
        }

        public ulong Digest => _digest ??= ComputeDigest();

        // The canonical form: sorted by ordinal id, so it is the same in every process and for every insertion order.
        private void Sort()
        {
            Array.Sort(_accounts, static (a, b) => string.CompareOrdinal(a.Id, b.Id));
        }

        public void WriteTo(Stream destination)
        {
            using var writer = new BinaryWriter(destination, Encoding.UTF8, leaveOpen: true);
            writer.Write(SnapshotFormat);
            WriteContent(writer);
        }

        // The accounts, sorted: the part of the snapshot that the digest also covers.
        private void WriteContent(BinaryWriter writer)
        {
            Sort();
            writer.Write(_accounts.Length);
            foreach ((string id, long balance, long version) in _accounts)
            {
                writer.Write(id);
                writer.Write(balance);
                writer.Write(version);
            }
        }

        private ulong ComputeDigest()
        {
            // The digest covers the canonical snapshot bytes except the last sequence: equal states, equal digests.
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            // Buffered: the writer emits one small write per field, and each would be a call into the hash.
            using (var stream = new BufferedStream(new HashingStream(hash), 1 << 16))
            {
                using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
                writer.Write("ledger/2");
                WriteContent(writer);
            }

            Span<byte> digest = stackalloc byte[32];
            hash.GetHashAndReset(digest);
            return BinaryPrimitives.ReadUInt64LittleEndian(digest);
        }
    }

    private sealed class HashingStream(IncrementalHash hash) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => hash.AppendData(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => hash.AppendData(buffer);

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
