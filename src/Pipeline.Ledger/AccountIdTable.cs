using System;
using System.Text;
using System.Threading;

namespace Pipeline.Ledger;

/// <summary>
/// The account ids the ledger knows, by their UTF-8 bytes, shared with the decoders: a command naming a known
/// account gets the ledger's own string (no allocation per command) and the account's slot (so the ledger finds it
/// by index instead of hashing the id again).
/// </summary>
/// <remarks>
/// One writer (the ledger's thread; concurrent <see cref="Add"/> calls are serialized), any number of lock-free
/// readers. It holds only accounts that were opened, so it is as large as the ledger state and no client can grow
/// it by naming accounts that do not exist.
/// </remarks>
// Design: an insert-only open-addressing table. Each entry (its UTF-8 bytes in one shared arena, its string, its
// slot) is written before the bucket that points at it, and the bucket is written with a release store and read
// with an acquire load, so a reader that finds a bucket sees the whole entry; a bucket never changes once set.
// Growing copies everything into a new Table published the same way; readers still on the old one miss only what
// was added after their read (they then take the slow path, which is always correct). Keys are compared by bytes,
// so the decoders look ids up straight from the JSON, without unescaping or transcoding them; a per-process
// random seed (HashCode) keeps clients from choosing ids that collide.
// Why not ConcurrentDictionary<string, string>: its lookup by span hashed UTF-16 chars (after transcoding) and
// walked a bucket array, a node and the key string, scattered over the heap: profiled at 250k commands/s it was
// half of the decoders' CPU, and the ledger's own dictionary lookup of the same id was most of the rest.
public sealed class AccountIdTable
{
    private const int InitialBuckets = 64;
    private readonly Lock _writeLock = new();
    private Table _table = new(InitialBuckets, InitialBuckets / 2, 1024);

    /// <summary>How many ids the table holds.</summary>
    public int Count => Volatile.Read(ref _table).Count;

    /// <summary>
    /// Remembers <paramref name="id"/> (the instance the ledger keeps) with its <paramref name="slot"/> in the
    /// ledger state. An id already present keeps its first instance and slot.
    /// </summary>
    public void Add(string id, int slot)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentOutOfRangeException.ThrowIfNegative(slot);
        int length = Encoding.UTF8.GetByteCount(id);
        lock (_writeLock)
        {
            Table table = _table;
            Span<byte> scratch = length <= 512 ? stackalloc byte[length] : new byte[length];
            Encoding.UTF8.GetBytes(id, scratch);
            int hash = Hash(scratch);
            if (table.Find(scratch, hash) >= 0)
            {
                return;
            }

            if (table.Count + 1 > table.Buckets.Length / 2 || table.Count == table.Ids.Length || table.ArenaUsed + length > table.Arena.Length)
            {
                table = table.Grow(length);
            }

            table.Append(scratch, hash, id, slot);
            Volatile.Write(ref _table, table);
        }
    }

    /// <summary>The known id whose UTF-8 bytes are <paramref name="utf8"/>, with its slot; false if unknown.</summary>
    public bool TryGet(ReadOnlySpan<byte> utf8, out string id, out int slot)
    {
        Table table = Volatile.Read(ref _table);
        int entry = table.Find(utf8, Hash(utf8));
        if (entry < 0)
        {
            id = string.Empty;
            slot = -1;
            return false;
        }

        id = table.Ids[entry];
        slot = table.Slots[entry];
        return true;
    }

    private static int Hash(ReadOnlySpan<byte> utf8)
    {
        var hash = default(HashCode);
        hash.AddBytes(utf8);
        return hash.ToHashCode();
    }

    private sealed class Table
    {
        // 0: empty; else the hash in the upper 32 bits and the entry's index + 1 in the lower.
        public readonly long[] Buckets;
        public readonly string[] Ids;
        public readonly int[] Slots;
        public readonly int[] Offsets;
        public readonly int[] Lengths;
        public readonly byte[] Arena;
        private int _count;

        public Table(int buckets, int entries, int arenaBytes)
        {
            Buckets = new long[buckets];
            Ids = new string[entries];
            Slots = new int[entries];
            Offsets = new int[entries];
            Lengths = new int[entries];
            Arena = new byte[arenaBytes];
        }

        public int Count => Volatile.Read(ref _count);

        public int ArenaUsed { get; private set; }

        public int Find(ReadOnlySpan<byte> utf8, int hash)
        {
            long[] buckets = Buckets;
            int mask = buckets.Length - 1;
            for (int i = hash & mask; ; i = (i + 1) & mask)
            {
                long bucket = Volatile.Read(ref buckets[i]);
                if (bucket == 0)
                {
                    return -1;
                }

                if ((int)(bucket >> 32) == hash)
                {
                    int entry = (int)bucket - 1;
                    if (Arena.AsSpan(Offsets[entry], Lengths[entry]).SequenceEqual(utf8))
                    {
                        return entry;
                    }
                }
            }
        }

        // Writer only, and only on a table with room (see Add).
        public void Append(ReadOnlySpan<byte> utf8, int hash, string id, int slot)
        {
            int entry = _count;
            utf8.CopyTo(Arena.AsSpan(ArenaUsed));
            Offsets[entry] = ArenaUsed;
            Lengths[entry] = utf8.Length;
            Ids[entry] = id;
            Slots[entry] = slot;
            ArenaUsed += utf8.Length;
            Insert(hash, entry);
            Volatile.Write(ref _count, entry + 1);
        }

        public Table Grow(int extraBytes)
        {
            int count = _count;
            int buckets = Buckets.Length;
            while (count + 1 > buckets / 2)
            {
                buckets *= 2;
            }

            int arena = Arena.Length;
            while (ArenaUsed + extraBytes > arena)
            {
                arena *= 2;
            }

            var grown = new Table(buckets, Math.Max(Ids.Length, buckets / 2), arena);
            Array.Copy(Arena, grown.Arena, ArenaUsed);
            Array.Copy(Ids, grown.Ids, count);
            Array.Copy(Slots, grown.Slots, count);
            Array.Copy(Offsets, grown.Offsets, count);
            Array.Copy(Lengths, grown.Lengths, count);
            grown.ArenaUsed = ArenaUsed;
            for (int i = 0; i < Buckets.Length; i++)
            {
                long bucket = Buckets[i];
                if (bucket != 0)
                {
                    grown.Insert((int)(bucket >> 32), (int)bucket - 1);
                }
            }

            grown._count = count;
            return grown;
        }

        private void Insert(int hash, int entry)
        {
            int mask = Buckets.Length - 1;
            int i = hash & mask;
            while (Buckets[i] != 0)
            {
                i = (i + 1) & mask;
            }

            // The release store publishes the entry's fields written before it (see Design).
            Volatile.Write(ref Buckets[i], ((long)hash << 32) | (uint)(entry + 1));
        }
    }
}
