using System;
using System.IO;
using Microsoft.Win32.SafeHandles;
using Pipeline.Journal.Format;

namespace Pipeline.Journal.Internal;

/// <summary>Reads one segment file front to back in large chunks; records are views into its buffer.</summary>
/// <remarks>Single-threaded. Allocates its buffer once; reading records allocates nothing.</remarks>
internal sealed class SegmentReader : IDisposable
{
    private readonly SafeFileHandle _handle;
    private readonly byte[] _buffer;
    private readonly int _maxRecordBytes;
    private long _bufferPosition; // file offset of _buffer[0]
    private int _start;
    private int _end;
    private long _fileLength;

    private SegmentReader(string path, SafeFileHandle handle, SegmentHeader header, int bufferBytes, int maxRecordBytes, long fileLength)
    {
        Path = path;
        _handle = handle;
        Header = header;
        _maxRecordBytes = maxRecordBytes;
        _buffer = new byte[Math.Max(bufferBytes, maxRecordBytes)];
        _fileLength = fileLength;
        _bufferPosition = SegmentHeader.Size;
    }

    public string Path { get; }

    public SegmentHeader Header { get; }

    /// <summary>The file offset of the next record to read.</summary>
    public long Position => _bufferPosition + _start;

    public long FileLength => _fileLength;

    /// <summary>Opens a segment; a missing, short or invalid header gives <c>null</c> and a reason.</summary>
    public static SegmentReader? TryOpen(string path, int bufferBytes, int maxRecordBytes, out string? problem)
    {
        SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        try
        {
            long length = RandomAccess.GetLength(handle);
            Span<byte> header = stackalloc byte[SegmentHeader.Size];
            int read = RandomAccess.Read(handle, header, 0);
            if (!SegmentHeader.TryRead(header[..read], out SegmentHeader parsed, out problem))
            {
                handle.Dispose();
                return null;
            }

            return new SegmentReader(path, handle, parsed, bufferBytes, maxRecordBytes, length);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Re-reads the file length, for a segment that the writer is still appending to.</summary>
    public void RefreshLength() => _fileLength = RandomAccess.GetLength(_handle);

    public void Seek(long position)
    {
        _bufferPosition = position;
        _start = 0;
        _end = 0;
    }

    /// <summary>
    /// Reads the record at <see cref="Position"/>. On <see cref="RecordStatus.Valid"/> the position moves past it
    /// and <paramref name="record"/> holds its bytes; otherwise the position stays at the problem.
    /// </summary>
    public RecordStatus TryReadNext(out RecordHeader header, out ReadOnlySpan<byte> record)
    {
        while (true)
        {
            ReadOnlySpan<byte> available = _buffer.AsSpan(_start, _end - _start);
            RecordStatus status = RecordHeader.TryRead(available, _maxRecordBytes, out header);
            if (status == RecordStatus.Valid)
            {
                record = available[..header.TotalLength];
                _start += header.TotalLength;
                return status;
            }

            if (status == RecordStatus.Unwritten)
            {
                // Drop the buffered zeros: the writer may fill this space later, and the next call must read it again.
                _end = _start;
                record = default;
                return status;
            }

            if (status == RecordStatus.Invalid || !Fill())
            {
                record = default;
                return status;
            }
        }
    }

    // Moves the unread bytes to the front and reads more; false when the file has no more bytes.
    private bool Fill()
    {
        long next = _bufferPosition + _end;
        if (next >= _fileLength)
        {
            return false;
        }

        int unread = _end - _start;
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, unread);
            _bufferPosition += _start;
            _start = 0;
            _end = unread;
        }

        int toRead = (int)Math.Min(_buffer.Length - _end, _fileLength - next);
        if (toRead <= 0)
        {
            return false;
        }

        int read = RandomAccess.Read(_handle, _buffer.AsSpan(_end, toRead), next);
        _end += read;
        return read > 0;
    }

    /// <summary>
    /// Looks for any valid record after <paramref name="position"/> with a sequence above <paramref name="afterSequence"/>:
    /// tells a torn tail (nothing valid follows) from corruption in the middle (valid records follow).
    /// </summary>
    public bool HasValidRecordAfter(long position, long afterSequence)
    {
        int window = 4 * 1024 * 1024;
        byte[] chunk = new byte[window + _maxRecordBytes];
        long offset = position + 1;
        while (offset + RecordHeader.Size <= _fileLength)
        {
            int toRead = (int)Math.Min(chunk.Length, _fileLength - offset);
            int read = RandomAccess.Read(_handle, chunk.AsSpan(0, toRead), offset);
            int candidates = Math.Min(read, window);
            for (int i = 0; i < candidates; i++)
            {
                if (RecordHeader.TryRead(chunk.AsSpan(i, read - i), _maxRecordBytes, out RecordHeader header) == RecordStatus.Valid
                    && header.Sequence > afterSequence)
                {
                    return true;
                }
            }

            offset += candidates;
        }

        return false;
    }

    /// <summary>Whether every byte from <paramref name="position"/> to the end of the file is zero (unwritten space).</summary>
    public bool IsZeroFrom(long position)
    {
        byte[] chunk = new byte[1 << 20];
        long offset = position;
        while (offset < _fileLength)
        {
            int read = RandomAccess.Read(_handle, chunk.AsSpan(0, (int)Math.Min(chunk.Length, _fileLength - offset)), offset);
            if (read <= 0)
            {
                break;
            }

            if (chunk.AsSpan(0, read).ContainsAnyExcept((byte)0))
            {
                return false;
            }

            offset += read;
        }

        return true;
    }

    public void Dispose() => _handle.Dispose();
}
