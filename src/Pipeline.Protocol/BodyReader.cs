using System;
using System.Buffers.Binary;
using System.Text.Unicode;

namespace Pipeline.Protocol;

/// <summary>Reads the fields of a frame body; every read fails (returns false) rather than throwing.</summary>
public ref struct BodyReader
{
    private ReadOnlySpan<byte> _remaining;

    /// <summary>Reads <paramref name="body"/> from its start.</summary>
    public BodyReader(ReadOnlySpan<byte> body)
    {
        _remaining = body;
    }

    /// <summary>Whether every byte was consumed (a body must not run over).</summary>
    public readonly bool IsAtEnd => _remaining.IsEmpty;

    /// <summary>Reads a u8.</summary>
    public bool TryReadByte(out byte value)
    {
        if (_remaining.IsEmpty)
        {
            value = 0;
            return false;
        }

        value = _remaining[0];
        _remaining = _remaining[1..];
        return true;
    }

    /// <summary>Reads a u16.</summary>
    public bool TryReadUInt16(out ushort value)
    {
        if (!BinaryPrimitives.TryReadUInt16LittleEndian(_remaining, out value))
        {
            return false;
        }

        _remaining = _remaining[sizeof(ushort)..];
        return true;
    }

    /// <summary>Reads a u32.</summary>
    public bool TryReadUInt32(out uint value)
    {
        if (!BinaryPrimitives.TryReadUInt32LittleEndian(_remaining, out value))
        {
            return false;
        }

        _remaining = _remaining[sizeof(uint)..];
        return true;
    }

    /// <summary>Reads a u64.</summary>
    public bool TryReadUInt64(out ulong value)
    {
        if (!BinaryPrimitives.TryReadUInt64LittleEndian(_remaining, out value))
        {
            return false;
        }

        _remaining = _remaining[sizeof(ulong)..];
        return true;
    }

    /// <summary>Reads <c>n:u16</c> and n bytes that must be valid UTF-8.</summary>
    public bool TryReadString(out ReadOnlySpan<byte> utf8)
    {
        utf8 = default;
        if (!TryReadUInt16(out ushort length) || _remaining.Length < length)
        {
            return false;
        }

        ReadOnlySpan<byte> bytes = _remaining[..length];
        if (!Utf8.IsValid(bytes))
        {
            return false;
        }

        utf8 = bytes;
        _remaining = _remaining[length..];
        return true;
    }

    /// <summary>Reads <paramref name="length"/> raw bytes.</summary>
    public bool TryReadBytes(int length, out ReadOnlySpan<byte> bytes)
    {
        if (length < 0 || _remaining.Length < length)
        {
            bytes = default;
            return false;
        }

        bytes = _remaining[..length];
        _remaining = _remaining[length..];
        return true;
    }
}
