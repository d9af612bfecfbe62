using System;
using System.Buffers.Binary;
using Pipeline.Journal;

namespace Pipeline.Testing;

/// <summary>Deterministic records for journal tests: the payload of sequence N is a function of N alone.</summary>
public static class JournalTestData
{
    /// <summary>The type of every numbered record.</summary>
    public static ReadOnlySpan<byte> Type => "test.event"u8;

    /// <summary>The type as a string.</summary>
    public const string TypeName = "test.event";

    /// <summary>The producer id of every numbered record (its producer sequence is the record's sequence).</summary>
    public const ulong ProducerId = 7;

    /// <summary>The payload length of numbered records by default.</summary>
    public const int PayloadBytes = 40;

    /// <summary>The payload of record <paramref name="sequence"/>: the sequence (8 bytes LE), then a pattern derived from it.</summary>
    public static byte[] Payload(long sequence, int length = PayloadBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, sizeof(long));
        byte[] payload = new byte[length];
        BinaryPrimitives.WriteInt64LittleEndian(payload, sequence);
        for (int i = sizeof(long); i < length; i++)
        {
            payload[i] = (byte)((sequence * 31) + (i * 7));
        }

        return payload;
    }

    /// <summary>The on-disk length of a numbered record: 48-byte header, type, payload.</summary>
    public static int RecordBytes(int payloadLength = PayloadBytes) => 48 + TypeName.Length + payloadLength;

    /// <summary>Appends <paramref name="count"/> numbered records (not committed); returns the last sequence.</summary>
    public static long AppendNumbered(JournalWriter writer, int count, int payloadLength = PayloadBytes)
    {
        ArgumentNullException.ThrowIfNull(writer);
        long last = writer.LastSequence;
        for (int i = 0; i < count; i++)
        {
            long next = writer.LastSequence + 1;
            last = writer.Append(Type, 1, ProducerId, (ulong)next, Payload(next, payloadLength));
        }

        return last;
    }

    /// <summary>Opens a journal with <paramref name="options"/>, appends and commits <paramref name="count"/> numbered records, closes it.</summary>
    public static void CreateJournal(JournalOptions options, int count, int payloadLength = PayloadBytes)
    {
        using JournalWriter writer = JournalWriter.Open(options);
        AppendNumbered(writer, count, payloadLength);
        writer.Commit();
    }
}
