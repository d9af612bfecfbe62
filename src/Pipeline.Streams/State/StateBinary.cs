using System;
using System.Buffers;
using System.Buffers.Binary;
using System.IO;
using System.Text;

namespace Pipeline.Streams;

/// <summary>Little-endian primitives of the snapshot layout, for writing serializers of user types.</summary>
/// <remarks>Readers advance the span past what they read and throw <see cref="InvalidDataException"/> on a short input.</remarks>
public static class StateBinary
{
    /// <summary>Appends a little-endian int64.</summary>
    public static void WriteInt64(IBufferWriter<byte> output, long value)
    {
        ArgumentNullException.ThrowIfNull(output);
        BinaryPrimitives.WriteInt64LittleEndian(output.GetSpan(sizeof(long)), value);
        output.Advance(sizeof(long));
    }

    /// <summary>Appends a little-endian int32.</summary>
    public static void WriteInt32(IBufferWriter<byte> output, int value)
    {
        ArgumentNullException.ThrowIfNull(output);
        BinaryPrimitives.WriteInt32LittleEndian(output.GetSpan(sizeof(int)), value);
        output.Advance(sizeof(int));
    }

    /// <summary>Appends a little-endian IEEE 754 double.</summary>
    public static void WriteDouble(IBufferWriter<byte> output, double value)
    {
        ArgumentNullException.ThrowIfNull(output);
        BinaryPrimitives.WriteDoubleLittleEndian(output.GetSpan(sizeof(double)), value);
        output.Advance(sizeof(double));
    }

    /// <summary>Writes a length-prefixed (int32 byte count) UTF-8 string; null is written as length -1.</summary>
    public static void WriteString(IBufferWriter<byte> output, string? value)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (value is null)
        {
            WriteInt32(output, -1);
            return;
        }

        int length = Encoding.UTF8.GetByteCount(value);
        WriteInt32(output, length);
        Encoding.UTF8.GetBytes(value, output.GetSpan(length));
        output.Advance(length);
    }

    /// <summary>Reads a little-endian int64.</summary>
    public static long ReadInt64(ref ReadOnlySpan<byte> input)
    {
        Require(input, sizeof(long));
        long value = BinaryPrimitives.ReadInt64LittleEndian(input);
        input = input[sizeof(long)..];
        return value;
    }

    /// <summary>Reads a little-endian int32.</summary>
    public static int ReadInt32(ref ReadOnlySpan<byte> input)
    {
        Require(input, sizeof(int));
        int value = BinaryPrimitives.ReadInt32LittleEndian(input);
        input = input[sizeof(int)..];
        return value;
    }

    /// <summary>Reads a little-endian double.</summary>
    public static double ReadDouble(ref ReadOnlySpan<byte> input)
    {
        Require(input, sizeof(double));
        double value = BinaryPrimitives.ReadDoubleLittleEndian(input);
        input = input[sizeof(double)..];
        return value;
    }

    /// <summary>Reads a string written by <see cref="WriteString"/>.</summary>
    public static string? ReadString(ref ReadOnlySpan<byte> input)
    {
        int length = ReadInt32(ref input);
        if (length == -1)
        {
            return null;
        }

        if (length < 0)
        {
            throw new InvalidDataException("string length must be -1 or non-negative");
        }

        Require(input, length);
        string value = Encoding.UTF8.GetString(input[..length]);
        input = input[length..];
        return value;
    }

    private static void Require(ReadOnlySpan<byte> input, int count)
    {
        if (input.Length < count)
        {
            throw new InvalidDataException("snapshot ends before the state it describes");
        }
    }
}
