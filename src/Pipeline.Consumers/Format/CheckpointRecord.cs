using System;
using System.Buffers.Binary;
using System.Text;
using Pipeline.Consumers.Internal;
using Pipeline.Journal.Format;

namespace Pipeline.Consumers.Format;

/// <summary>The layout of one checkpoint record; records follow each other directly after the file header.</summary>
/// <remarks>
/// All integers little-endian. <c>docs/consumers.md</c> ("Checkpoint file") repeats this table.
/// <code>
/// offset  size  field
///      0     4  body length L   u32, the bytes after the CRC: 26 + n
///      4     4  CRC-32C         of bytes 0..3 (the length) followed by the L body bytes
///      8     1  kind            1 commit, 2 reset, 3 delete
///      9     8  position        i64 >= 0, the consumer's checkpoint (for a delete: the one it had)
///     17     8  updated at      i64, UTC ticks from the store's clock when the record was written
///     25     8  commits         i64 >= 0, the consumer's forward commits so far, this one included
///     33     1  name length n   1..128
///     34     n  name            ASCII letters, digits, '.', '_', '-'
/// </code>
/// A record is valid when 27 &lt;= L &lt;= 154, L = 26 + n, the whole record lies inside the file, the CRC matches and
/// every field keeps its rule. The smallest record is 35 bytes, the largest 162.
/// </remarks>
internal readonly record struct CheckpointRecord(CheckpointRecordKind Kind, string Name, long Position, long UpdatedAtTicks, long Commits)
{
    /// <summary>The version of this record layout and of <see cref="CheckpointFileHeader"/>; written in the header.</summary>
    public const ushort FormatVersion = 1;

    /// <summary>Bytes before the name: length, CRC and the fixed fields.</summary>
    public const int FixedSize = 34;

    /// <summary>The length and CRC fields, which the body length L does not count.</summary>
    public const int PrefixSize = 8;

    public const int MinLength = FixedSize + 1;
    public const int MaxLength = FixedSize + ConsumerName.MaxLength;

    public int Length => FixedSize + Name.Length;

    /// <summary>Encodes the record (the name is already validated, so one char is one byte); returns its length.</summary>
    public int Write(Span<byte> destination)
    {
        int length = Length;
        Span<byte> record = destination[..length];
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)(length - PrefixSize));
        record[8] = (byte)Kind;
        BinaryPrimitives.WriteInt64LittleEndian(record[9..], Position);
        BinaryPrimitives.WriteInt64LittleEndian(record[17..], UpdatedAtTicks);
        BinaryPrimitives.WriteInt64LittleEndian(record[25..], Commits);
        record[33] = (byte)Name.Length;
        for (int i = 0; i < Name.Length; i++)
        {
            record[FixedSize + i] = (byte)Name[i];
        }

        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], ComputeCrc(record));
        return length;
    }

    /// <summary>
    /// Checks the record at the start of <paramref name="source"/> (which runs to the end of the file) without
    /// decoding it: <see cref="RecordStatus.Incomplete"/> when the file ends inside a record whose length is possible,
    /// <see cref="RecordStatus.Damaged"/> for an impossible length, a wrong CRC or a field that breaks its rule.
    /// </summary>
    /// <remarks>Allocates nothing: the recovery scan calls it at every byte offset after a damaged record.</remarks>
    public static RecordStatus Check(ReadOnlySpan<byte> source, out int length, out RecordProblem problem)
    {
        length = 0;
        problem = Inspect(source, ref length);
        return problem switch
        {
            RecordProblem.None => RecordStatus.Valid,
            RecordProblem.ShortPrefix or RecordProblem.PastEnd => RecordStatus.Incomplete,
            _ => RecordStatus.Damaged,
        };
    }

    /// <summary>The reason for a problem <see cref="Check"/> found, for a message.</summary>
    public static string Describe(RecordProblem problem, ReadOnlySpan<byte> source) => problem switch
    {
        RecordProblem.ShortPrefix => "the file ends inside the record's length and CRC",
        RecordProblem.ImpossibleLength => $"the record's body length {BinaryPrimitives.ReadUInt32LittleEndian(source)} is impossible (it must be {MinLength - PrefixSize} to {MaxLength - PrefixSize})",
        RecordProblem.PastEnd => $"the file ends inside the {PrefixSize + BinaryPrimitives.ReadUInt32LittleEndian(source)}-byte record",
        RecordProblem.Crc => "the record's CRC-32C does not match",
        RecordProblem.Kind => $"the record's kind {source[8]} is unknown",
        RecordProblem.Name => "the record's name length or name is invalid",
        RecordProblem.Negative => "the record's position or commit count is negative",
        _ => "the record is valid",
    };

    private static RecordProblem Inspect(ReadOnlySpan<byte> source, ref int length)
    {
        if (source.Length < PrefixSize)
        {
            return RecordProblem.ShortPrefix;
        }

        uint body = BinaryPrimitives.ReadUInt32LittleEndian(source);
        if (body < MinLength - PrefixSize || body > MaxLength - PrefixSize)
        {
            return RecordProblem.ImpossibleLength;
        }

        length = PrefixSize + (int)body;
        if (source.Length < length)
        {
            return RecordProblem.PastEnd;
        }

        ReadOnlySpan<byte> record = source[..length];
        if (BinaryPrimitives.ReadUInt32LittleEndian(record[4..]) != ComputeCrc(record))
        {
            return RecordProblem.Crc;
        }

        // The CRC matched, so these fail only for a record this build did not write.
        if ((CheckpointRecordKind)record[8] is not (CheckpointRecordKind.Commit or CheckpointRecordKind.Reset or CheckpointRecordKind.Delete))
        {
            return RecordProblem.Kind;
        }

        if (record[33] != length - FixedSize || !ConsumerName.IsValid(record[FixedSize..]))
        {
            return RecordProblem.Name;
        }

        if (BinaryPrimitives.ReadInt64LittleEndian(record[9..]) < 0 || BinaryPrimitives.ReadInt64LittleEndian(record[25..]) < 0)
        {
            return RecordProblem.Negative;
        }

        return RecordProblem.None;
    }

    /// <summary>Decodes a record that <see cref="Check"/> found valid.</summary>
    public static CheckpointRecord Read(ReadOnlySpan<byte> record) => new(
        (CheckpointRecordKind)record[8],
        Encoding.ASCII.GetString(record[FixedSize..(FixedSize + record[33])]),
        BinaryPrimitives.ReadInt64LittleEndian(record[9..]),
        BinaryPrimitives.ReadInt64LittleEndian(record[17..]),
        BinaryPrimitives.ReadInt64LittleEndian(record[25..]));

    // The length, then everything after the CRC.
    private static uint ComputeCrc(ReadOnlySpan<byte> record) =>
        Checksum.Finish(Checksum.Append(Checksum.Append(Checksum.Begin(), record[..4]), record[PrefixSize..]));
}
