using System;
using System.IO;
using Pipeline.Journal.Format;

namespace Pipeline.Journal.Snapshots;

// A write-only pass-through that counts bytes and computes their CRC-32C on the way to the file.
internal sealed class ChecksumStream(Stream inner) : Stream
{
    private uint _crc = Checksum.Begin();

    public long BytesWritten { get; private set; }

    public uint Crc => Checksum.Finish(_crc);

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => BytesWritten;

    public override long Position
    {
        get => BytesWritten;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _crc = Checksum.Append(_crc, buffer);
        BytesWritten += buffer.Length;
        inner.Write(buffer);
    }

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
