using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Pipeline.Journal.Snapshots;

namespace Pipeline.Ledger;

/// <summary>
/// The command side of the ledger: accounts (balance, version), plus the idempotent producers' last sequences.
/// Applies commands in journal order, validating fully before it changes anything, so a refused command leaves
/// no trace and replay refuses it again.
/// </summary>
/// <remarks>Owned by one thread (the sequenced stateful handler); not thread-safe. Reads no clock and no randomness.</remarks>
public sealed class LedgerState : ISnapshotable
{
    private const uint SnapshotFormat = 1;
    private readonly Dictionary<string, Account> _accounts = new(StringComparer.Ordinal);
    private readonly Dictionary<ulong, ProducerRecord> _producers = [];

    // The accounts by slot (see AccountChange): what an AccountHints slot indexes.
    private readonly List<Account> _bySlot = [];
    private Int128 _total;

    /// <summary>The number of accounts.</summary>
    public int AccountCount => _accounts.Count;

    /// <summary>The sum of all balances.</summary>
    public Int128 TotalBalance => _total;

    /// <summary>The highest journal sequence applied (0 for none).</summary>
    public long LastSequence { get; private set; }

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

    /// <summary>What the state remembers of <paramref name="producerId"/>.</summary>
    public bool TryGetProducer(ulong producerId, out ProducerRecord record) => _producers.TryGetValue(producerId, out record);

    /// <summary>Every idempotent producer's record (for seeding the journaling producer's table at start-up).</summary>
    public IReadOnlyDictionary<ulong, ProducerRecord> Producers => _producers;

    /// <summary>
    /// Notes that the event at <paramref name="sequence"/> came from <paramref name="producerId"/> with
    /// <paramref name="producerSequence"/>; call once per journaled event, whatever its outcome.
    /// </summary>
    public void RecordEvent(long sequence, ulong producerId, ulong producerSequence)
    {
        if (sequence > LastSequence)
        {
            LastSequence = sequence;
        }

        if (producerId != 0)
        {
            _producers[producerId] = new ProducerRecord(producerSequence, sequence);
        }
    }

    /// <summary>Applies <paramref name="command"/>; returns null if accepted, else the reject reason (and nothing changed).</summary>
    public string? Apply(in LedgerCommand command) => Apply(command, out _);

    /// <summary>
    /// Applies <paramref name="command"/>; returns null if accepted, else the reject reason (and nothing changed).
    /// When accepted, <paramref name="changed"/> holds the balances and versions it left, so that the caller need
    /// not look the accounts up again (each lookup is a hash and a few cache misses on the hot path).
    /// </summary>
    public string? Apply(in LedgerCommand command, out AccountChange changed) => Apply(command, AccountHints.None, out changed);

    /// <summary>
    /// As <see cref="Apply(in LedgerCommand, out AccountChange)"/>, finding the accounts at the slots in
    /// <paramref name="hints"/> when they hold them (as the decoder's <see cref="AccountIdTable"/> says), and by id
    /// otherwise: a wrong or stale hint costs a lookup, never a wrong account.
    /// </summary>
    public string? Apply(in LedgerCommand command, AccountHints hints, out AccountChange changed)
    {
        changed = default;
        switch (command.Kind)
        {
            case LedgerCommandKind.Open:
            {
                if (command.ExpectedVersion > 0)
                {
                    // An account that does not exist is at version 0; one that exists is refused below either way.
                    return _accounts.ContainsKey(command.Account) ? RejectReason.AccountExists : RejectReason.VersionConflict;
                }

                ref Account? slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_accounts, command.Account, out bool exists);
                if (exists)
                {
                    return RejectReason.AccountExists;
                }

                slot = new Account { Id = command.Account, Version = 1, Slot = _accounts.Count - 1 }; // accounts are never removed: the count numbers them
                _bySlot.Add(slot);
                changed = new AccountChange(slot.Slot, 0, 1, -1, 0, 0);
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

                account.Balance += command.Amount;
                account.Version++;
                _total += command.Amount;
                changed = new AccountChange(account.Slot, account.Balance, account.Version, -1, 0, 0);
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

                account.Balance -= command.Amount;
                account.Version++;
                _total -= command.Amount;
                changed = new AccountChange(account.Slot, account.Balance, account.Version, -1, 0, 0);
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

                from.Balance -= command.Amount;
                from.Version++;
                to.Balance += command.Amount;
                to.Version++;
                changed = new AccountChange(from.Slot, from.Balance, from.Version, to.Slot, to.Balance, to.Version);
                return null;
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(command), command.Kind, "Not a ledger command kind.");
        }
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

        var producers = new (ulong Id, ProducerRecord Record)[_producers.Count];
        i = 0;
        foreach (KeyValuePair<ulong, ProducerRecord> pair in _producers)
        {
            producers[i++] = (pair.Key, pair.Value);
        }

        return new Capture(accounts, producers, LastSequence);
    }

    /// <inheritdoc />
    public void RestoreSnapshot(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (_accounts.Count != 0 || _producers.Count != 0)
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

        LastSequence = reader.ReadInt64();
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
            var account = new Account { Id = id, Balance = balance, Version = version, Slot = _accounts.Count };
            if (balance < 0 || version < 1 || !_accounts.TryAdd(id, account))
            {
                throw new InvalidDataException($"Invalid or duplicate account '{id}' in the ledger snapshot.");
            }

            _bySlot.Add(account);

            _total += balance;
        }

        int producers = reader.ReadInt32();
        if (producers < 0)
        {
            throw new InvalidDataException("Negative producer count in the ledger snapshot.");
        }

        for (int i = 0; i < producers; i++)
        {
            ulong id = reader.ReadUInt64();
            var record = new ProducerRecord(reader.ReadUInt64(), reader.ReadInt64());
            if (id == 0 || !_producers.TryAdd(id, record))
            {
                throw new InvalidDataException($"Invalid or duplicate producer {id} in the ledger snapshot.");
            }
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

        /// <summary>The account's number in this state: 0, 1, 2... in the order accounts were opened or restored; never reused.</summary>
        public int Slot { get; init; }

        public long Balance { get; set; }

        public long Version { get; set; }
    }

    private sealed class Capture : ISnapshotCapture
    {
        private readonly (string Id, long Balance, long Version)[] _accounts;
        private readonly (ulong Id, ProducerRecord Record)[] _producers;
        private readonly long _lastSequence;
        private ulong? _digest;

        public Capture((string, long, long)[] accounts, (ulong, ProducerRecord)[] producers, long lastSequence)
        {
            _accounts = accounts;
            _producers = producers;
            _lastSequence = lastSequence;
        }

        public ulong Digest => _digest ??= ComputeDigest();

        // The canonical form: sorted by ordinal id, so it is the same in every process and for every insertion order.
        private void Sort()
        {
            Array.Sort(_accounts, static (a, b) => string.CompareOrdinal(a.Id, b.Id));
            Array.Sort(_producers, static (a, b) => a.Id.CompareTo(b.Id));
        }

        public void WriteTo(Stream destination)
        {
            using var writer = new BinaryWriter(destination, Encoding.UTF8, leaveOpen: true);
            writer.Write(SnapshotFormat);
            writer.Write(_lastSequence);
            WriteContent(writer);
        }

        // Accounts then producers, sorted: the part of the snapshot that the digest also covers.
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

            writer.Write(_producers.Length);
            foreach ((ulong id, ProducerRecord record) in _producers)
            {
                writer.Write(id);
                writer.Write(record.LastProducerSequence);
                writer.Write(record.Sequence);
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
                writer.Write("ledger/1");
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
