using System;
using System.IO;

namespace Pipeline.Testing;

/// <summary>
/// A write-only pass-through that lets the first <c>failAfterBytes</c> bytes reach the inner stream and then throws
/// <see cref="IOException"/> (a disk that fills up in the middle of a snapshot).
/// </summary>
public sealed class FaultInjectingStream : Stream
{
    private readonly Stream _inner;
    private readonly long _failAfterBytes;
    private long _written;

    /// <summary>Wraps <paramref name="inner"/> (not disposed by this stream).</summary>
    public FaultInjectingStream(Stream inner, long failAfterBytes)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfNegative(failAfterBytes);
        _inner = inner;
        _failAfterBytes = failAfterBytes;
    }

    /// <summary>Bytes passed to the inner stream.</summary>
    public long BytesWritten => _written;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _written;

    public override long Position
    {
        get => _written;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        long room = _failAfterBytes - _written;
        if (buffer.Length > room)
        {
            _inner.Write(buffer[..(int)room]);
            _written += room;
            throw new IOException($"Injected failure after {_failAfterBytes} bytes (No space left on device).");
        }

        _inner.Write(buffer);
        _written += buffer.Length;
    }

    public override void WriteByte(byte value) => Write([value]);

    public override void Flush() => _inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
