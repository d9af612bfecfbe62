using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;

namespace Pipeline.Protocol.Tests;

/// <summary>Lays out frame bodies byte by byte as shared/spec/protocol.md draws them, independently of FrameWriter.</summary>
internal sealed class SpecBody
{
    private readonly List<byte> _bytes = [];

    public SpecBody U8(byte value)
    {
        _bytes.Add(value);
        return this;
    }

    public SpecBody U16(ushort value)
    {
        Span<byte> bytes = stackalloc byte[sizeof(ushort)];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        _bytes.AddRange(bytes);
        return this;
    }

    public SpecBody U32(uint value)
    {
        Span<byte> bytes = stackalloc byte[sizeof(uint)];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        _bytes.AddRange(bytes);
        return this;
    }

    public SpecBody U64(ulong value)
    {
        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        _bytes.AddRange(bytes);
        return this;
    }

    /// <summary><c>n:u16</c> then the bytes as they are (valid UTF-8 or not).</summary>
    public SpecBody Str(byte[] utf8)
    {
        U16((ushort)utf8.Length);
        _bytes.AddRange(utf8);
        return this;
    }

    public SpecBody Str(string text) => Str(Encoding.UTF8.GetBytes(text));

    public SpecBody Raw(byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public byte[] ToArray() => [.. _bytes];

    /// <summary>length:u32, kind:u8, body.</summary>
    public byte[] ToFrame(FrameKind kind)
    {
        byte[] body = ToArray();
        var frame = new SpecBody().U32((uint)(body.Length + 1)).U8((byte)kind).Raw(body);
        return frame.ToArray();
    }
}
