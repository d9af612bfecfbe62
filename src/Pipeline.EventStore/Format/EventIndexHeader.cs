using System;
using System.Buffers.Binary;
using Pipeline.Journal.Format;

namespace Pipeline.EventStore.Format;

/// <summary>
/// The header of a sealed segment's index file (<c>events-{first position:D20}.idx</c>, next to its <c>.log</c>),
/// followed by three block tables and four sections of fixed-size entries.
/// </summary>
/// <remarks>
/// All integers little-endian. <c>docs/event-log-format.md</c> (section "Indexes") repeats these tables.
/// <code>
/// offset size field
///      0    4 magic              "PEIX" (0x50 0x45 0x49 0x58)
///      4    2 format version     2 (<see cref="FormatVersion"/>; covers the header, the tables and the sections)
///      6    2 header length      64
///      8    1 key hash           1 = FNV-1a 64 of the UTF-8 bytes (stream id, type)
///      9    1 reserved           zero
///     10    2 time interval N    one time entry per N records (and one for the last record)
///     12    4 record count n     records in the segment = entries in each of the three keyed sections
///     16    8 first position     the segment's first position (as in its name and header)
///     24    8 segment length     bytes of the .log file indexed; another length means the index is stale
///     32    8 max timestamp      the largest timestamp in the segment (long.MinValue when n = 0)
///     40    4 time entry count m
///     44    4 stream table CRC-32C    of the stream block table
///     48    4 type table CRC-32C      of the type block table
///     52    4 producer table CRC-32C  of the producer block table
///     56    4 time section CRC-32C    of the time section
///     60    4 header CRC-32C     of bytes 0..59
/// </code>
/// Then, in this order, with no padding; each keyed section is cut into b = ceil(n / 512) blocks of
/// <see cref="BlockEntries"/> entries (the last may be shorter), and its block table has one row per block:
/// <code>
/// stream block table   b x 20  first key u64, first version i64, CRC-32C u32 of the block's bytes
/// type block table     b x 20  first key u64, first position i64, CRC-32C u32 of the block's bytes
/// producer block table b x 20  first key u64, first position i64, CRC-32C u32 of the block's bytes
/// stream entries       n x 32  key hash u64, stream version i64, position i64, record offset i64; sorted by (hash, version, position)
/// type entries         n x 24  key hash u64, position i64, record offset i64; sorted by (hash, position)
/// producer entries     n x 24  producer id u64, position i64, record offset i64; sorted by (producer id, position)
/// time entries         m x 24  running max timestamp i64, position i64, record offset i64; in position order
/// </code>
/// A time entry's timestamp is the largest timestamp of the segment's records up to and including its own, so the
/// column never decreases even if the log's timestamps did. A reader verifies a block table (its CRC in the header)
/// when it first needs that section, and a block (its CRC in the table) when it first reads it, so a damaged byte is
/// found by the first lookup that reads it, not when the file is opened. Version 1 (one CRC over everything after
/// the header, no tables) is stale: rebuilt.
/// </remarks>
internal readonly record struct EventIndexHeader(
    byte KeyHash,
    int TimeInterval,
    int RecordCount,
    long FirstPosition,
    long SegmentLength,
    long MaxTimestamp,
    int TimeEntryCount,
    uint StreamTableCrc,
    uint TypeTableCrc,
    uint ProducerTableCrc,
    uint TimeCrc)
{
    /// <summary>The version of the index file layout (independent of the segment format's).</summary>
    public const ushort FormatVersion = 2;

    public const int Size = 64;
    public const uint Magic = 0x58494550; // "PEIX" read as a little-endian u32
    public const int StreamEntrySize = 32;
    public const int KeyEntrySize = 24;
    public const int TimeEntrySize = 24;

    /// <summary>Entries per block of a keyed section (fixed by the format version).</summary>
    public const int BlockEntries = 512;

    /// <summary>Bytes per row of a block table: first key, first second sort field, CRC-32C.</summary>
    public const int BlockRowSize = 20;

    public int BlockCount => (int)(((long)RecordCount + BlockEntries - 1) / BlockEntries);

    public long TableBytes => (long)BlockCount * BlockRowSize;

    public const long StreamTableOffset = Size;

    public long TypeTableOffset => Size + TableBytes;

    public long ProducerTableOffset => Size + (2 * TableBytes);

    public long StreamSectionOffset => Size + (3 * TableBytes);

    public long TypeSectionOffset => StreamSectionOffset + ((long)RecordCount * StreamEntrySize);

    public long ProducerSectionOffset => TypeSectionOffset + ((long)RecordCount * KeyEntrySize);

    public long TimeSectionOffset => ProducerSectionOffset + ((long)RecordCount * KeyEntrySize);

    public long FileLength => TimeSectionOffset + ((long)TimeEntryCount * TimeEntrySize);

    public void Write(Span<byte> destination)
    {
        Span<byte> header = destination[..Size];
        header.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], FormatVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], Size);
        header[8] = KeyHash;
        BinaryPrimitives.WriteUInt16LittleEndian(header[10..], (ushort)TimeInterval);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], RecordCount);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], FirstPosition);
        BinaryPrimitives.WriteInt64LittleEndian(header[24..], SegmentLength);
        BinaryPrimitives.WriteInt64LittleEndian(header[32..], MaxTimestamp);
        BinaryPrimitives.WriteInt32LittleEndian(header[40..], TimeEntryCount);
        BinaryPrimitives.WriteUInt32LittleEndian(header[44..], StreamTableCrc);
        BinaryPrimitives.WriteUInt32LittleEndian(header[48..], TypeTableCrc);
        BinaryPrimitives.WriteUInt32LittleEndian(header[52..], ProducerTableCrc);
        BinaryPrimitives.WriteUInt32LittleEndian(header[56..], TimeCrc);
        CheckedHeader.Seal(header, Size);
    }

    /// <summary>Parses a header; returns a reason when the bytes are not a valid header of the current version (an older version is stale).</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out EventIndexHeader header, out string? problem)
    {
        header = default;
        if (!CheckedHeader.TryValidate(source, Size, Magic, "index header", "PEIX", out problem))
        {
            return false;
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(source[4..]);
        if (version != FormatVersion || BinaryPrimitives.ReadUInt16LittleEndian(source[6..]) != Size)
        {
            problem = version < FormatVersion
                ? $"the index file is format version {version}, stale since version {FormatVersion} (per-block CRCs and stored fences)"
                : $"index format version {version} is not supported (this build reads version {FormatVersion})";
            return false;
        }

        int count = BinaryPrimitives.ReadInt32LittleEndian(source[12..]);
        int timeCount = BinaryPrimitives.ReadInt32LittleEndian(source[40..]);
        int interval = BinaryPrimitives.ReadUInt16LittleEndian(source[10..]);
        if (count < 0 || timeCount < 0 || interval < 1)
        {
            problem = "the index header's counts are impossible";
            return false;
        }

        header = new EventIndexHeader(
            source[8],
            interval,
            count,
            BinaryPrimitives.ReadInt64LittleEndian(source[16..]),
            BinaryPrimitives.ReadInt64LittleEndian(source[24..]),
            BinaryPrimitives.ReadInt64LittleEndian(source[32..]),
            timeCount,
            BinaryPrimitives.ReadUInt32LittleEndian(source[44..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[48..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[52..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[56..]));
        problem = null;
        return true;
    }
}
