using System;
using System.Buffers.Binary;
using System.IO;
using Microsoft.Win32.SafeHandles;
using Pipeline.EventStore.Format;
using Pipeline.Journal.Format;

namespace Pipeline.EventStore.Internal;

/// <summary>
/// A read-only segment file seen through one buffer that is refilled around the bytes asked for: forward reads
/// refill from the requested offset on, backward reads refill so that the window ends at the requested bytes.
/// </summary>
/// <remarks>Single-threaded. Allocates its buffer once; returned spans are valid until the next read.</remarks>
internal sealed class SegmentWindow : IDisposable
{
    private readonly SafeFileHandle _handle;
    private readonly byte[] _buffer;
    private readonly int _maxRecordBytes;
    private long _bufferOffset; // file offset of _buffer[0]
    private int _count;
    private long _fileLength;

    private SegmentWindow(string path, SafeFileHandle handle, EventSegmentHeader header, byte[] buffer, int maxRecordBytes, long fileLength)
    {
        Path = path;
        _handle = handle;
        Header = header;
        _maxRecordBytes = maxRecordBytes;
        _buffer = buffer;
        _fileLength = fileLength;
    }

    public string Path { get; }

    public EventSegmentHeader Header { get; }

    public long FileLength => _fileLength;

    /// <summary>The window's buffer, for the next segment a cursor opens (one buffer per cursor, not per segment).</summary>
    public byte[] Buffer => _buffer;

    /// <summary>
    /// Opens a segment; a short or invalid header gives <c>null</c> and a reason. <paramref name="buffer"/>, when
    /// given, must hold at least <paramref name="maxRecordBytes"/>; otherwise a buffer of <paramref name="bufferBytes"/> is allocated.
    /// </summary>
    public static SegmentWindow? TryOpen(string path, int bufferBytes, int maxRecordBytes, out string? problem, byte[]? buffer = null)
    {
        SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        try
        {
            long length = RandomAccess.GetLength(handle);
            Span<byte> header = stackalloc byte[EventSegmentHeader.Size];
            int read = RandomAccess.Read(handle, header, 0);
            if (!EventSegmentHeader.TryRead(header[..read], out EventSegmentHeader parsed, out problem))
            {
                handle.Dispose();
                return null;
            }

            buffer ??= new byte[Math.Max(bufferBytes, maxRecordBytes)];
            return new SegmentWindow(path, handle, parsed, buffer, maxRecordBytes, length);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Re-reads the file length, for the segment the writer is still appending to; true when it grew.</summary>
    public bool RefreshLength()
    {
        long before = _fileLength;
        _fileLength = RandomAccess.GetLength(_handle);
        if (_fileLength < before)
        {
            _count = 0; // cut back (a new writer truncated a torn tail): drop bytes that are gone
        }

        return _fileLength > before;
    }

    /// <summary>The bytes [offset, offset + length), cut short where the file ends.</summary>
    public ReadOnlySpan<byte> Read(long offset, int length, bool backward)
    {
        long end = Math.Min(offset + length, _fileLength);
        if (end <= offset)
        {
            return default;
        }

        if (offset < _bufferOffset || end > _bufferOffset + _count)
        {
            Refill(backward ? Math.Max(0, end - _buffer.Length) : offset);
        }

        return _buffer.AsSpan((int)(offset - _bufferOffset), (int)(end - offset));
    }

    private void Refill(long start)
    {
        int toRead = (int)Math.Min(_buffer.Length, _fileLength - start);
        int total = 0;
        while (total < toRead)
        {
            int read = RandomAccess.Read(_handle, _buffer.AsSpan(total, toRead - total), start + total);
            if (read <= 0)
            {
                break;
            }

            total += read;
        }

        _bufferOffset = start;
        _count = total;
    }

    /// <summary>Parses and verifies the record at <paramref name="offset"/>; on success <paramref name="record"/> holds its bytes.</summary>
    public RecordStatus TryReadRecord(long offset, bool backward, out EventRecordHeader header, out ReadOnlySpan<byte> record)
    {
        record = default;
        ReadOnlySpan<byte> prefix = Read(offset, sizeof(int), backward);
        if (prefix.Length < sizeof(int))
        {
            header = default;
            return RecordStatus.Incomplete;
        }

        int length = BinaryPrimitives.ReadInt32LittleEndian(prefix);
        if (!EventRecordHeader.IsPlausibleLength(length, _maxRecordBytes))
        {
            header = default;
            return RecordStatus.Invalid;
        }

        ReadOnlySpan<byte> bytes = Read(offset, length, backward);
        RecordStatus status = EventRecordHeader.TryRead(bytes, _maxRecordBytes, out header);
        if (status == RecordStatus.Valid)
        {
            record = bytes[..header.Length];
        }

        return status;
    }

    /// <summary>
    /// Whether any valid record with a position above <paramref name="afterPosition"/> starts after
    /// <paramref name="offset"/>: tells a torn tail (nothing valid follows) from damage in the middle. Tries every
    /// byte offset; only the structural checks run on most of them, so its cost is one read of the rest of the file.
    /// </summary>
    public bool HasValidRecordAfter(long offset, long afterPosition)
    {
        for (long candidate = offset + 1; candidate + EventRecordHeader.MinLength <= _fileLength; candidate++)
        {
            if (TryReadRecord(candidate, backward: false, out EventRecordHeader header, out _) == RecordStatus.Valid
                && header.Position > afterPosition)
            {
                return true;
            }
        }

        return false;
    }

    public void Dispose() => _handle.Dispose();
}
