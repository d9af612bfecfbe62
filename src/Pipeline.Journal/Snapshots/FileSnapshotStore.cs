using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Journal.Format;
using Pipeline.Journal.Internal;

namespace Pipeline.Journal.Snapshots;

/// <summary>
/// Snapshot files in one folder, <c>{sequence, 20 digits}.snapshot</c>, written atomically: temp file, fsync,
/// rename, fsync of the folder. Keeps the newest <c>keep</c> files.
/// </summary>
/// <remarks>Thread-safe for one writer plus any number of readers (writes are serialized).</remarks>
// Design: writes (the snapshot scheduler's background writer, or shutdown) are serialized by _writeGate, which also
// covers Prune, so two writers never rename or delete under each other. Readers (start-up, `snapshot list`, tests)
// take no lock: they only see whole files, because a snapshot becomes visible by an atomic rename of a fully written
// and fsynced temp file, and its folder is fsynced after the rename. A reader listing while Prune deletes an old file
// may find it gone when it opens it: that file is one of the oldest, not the one a restart would load.
public sealed class FileSnapshotStore : ISnapshotStore
{
    private const string Extension = ".snapshot";
    private const string TempExtension = ".snapshot.tmp";
    private readonly string _directory;
    private readonly int _keep;
    private readonly ILogger _logger;
    private readonly object _writeGate = new();

    /// <summary>Creates a store in <paramref name="directory"/> (created on first write) that keeps the newest <paramref name="keep"/>.</summary>
    public FileSnapshotStore(string directory, int keep = 3, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(keep);
        _directory = directory;
        _keep = keep;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The snapshot folder.</summary>
    public string Directory => _directory;

    /// <inheritdoc />
    public SnapshotInfo Write(long sequence, long timestampTicks, ISnapshotCapture capture)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        ArgumentNullException.ThrowIfNull(capture);
        lock (_writeGate)
        {
            System.IO.Directory.CreateDirectory(_directory);
            string name = sequence.ToString("D20", CultureInfo.InvariantCulture);
            string temp = Path.Combine(_directory, name + TempExtension);
            string final = Path.Combine(_directory, name + Extension);
            long size;
            try
            {
                using (var file = new FileStream(temp, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16))
                {
                    Span<byte> header = stackalloc byte[SnapshotHeader.Size];
                    file.Write(header); // placeholder, rewritten once the payload's length and CRC are known
                    var checksum = new ChecksumStream(file);
                    using (var buffered = new BufferedStream(checksum, 1 << 16))
                    {
                        capture.WriteTo(buffered);
                    }

                    new SnapshotHeader(sequence, capture.Digest, checksum.BytesWritten, timestampTicks, checksum.Crc).Write(header);
                    file.Position = 0;
                    file.Write(header);
                    file.Flush(flushToDisk: true);
                    size = file.Length;
                }
            }
            catch
            {
                // A failed write (a full disk, a capture that throws) leaves no partial file behind to fill the disk further.
                TryDelete(temp);
                throw;
            }

            File.Move(temp, final, overwrite: true);
            DirectorySync.Flush(_directory);
            Log.SnapshotWritten(_logger, sequence, final, size);
            Prune();
            return new SnapshotInfo(sequence, final, size, capture.Digest, timestampTicks, null);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private void Prune()
    {
        List<(long Sequence, string Path)> files = ListFiles();
        bool removed = false;
        for (int i = _keep; i < files.Count; i++)
        {
            File.Delete(files[i].Path);
            removed = true;
        }

        foreach (string temp in System.IO.Directory.EnumerateFiles(_directory, "*" + TempExtension))
        {
            File.Delete(temp); // left by a crash during a write
            removed = true;
        }

        if (removed)
        {
            DirectorySync.Flush(_directory);
        }
    }

    // Newest first.
    private List<(long Sequence, string Path)> ListFiles()
    {
        var files = new List<(long, string)>();
        if (!System.IO.Directory.Exists(_directory))
        {
            return files;
        }

        foreach (string path in System.IO.Directory.EnumerateFiles(_directory, "*" + Extension))
        {
            string name = Path.GetFileNameWithoutExtension(path);
            if (name.Length == 20 && long.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out long sequence))
            {
                files.Add((sequence, path));
            }
        }

        files.Sort((a, b) => b.Item1.CompareTo(a.Item1));
        return files;
    }

    /// <inheritdoc />
    public IReadOnlyList<SnapshotInfo> List()
    {
        var result = new List<SnapshotInfo>();
        foreach ((long sequence, string path) in ListFiles())
        {
            result.Add(Inspect(sequence, path));
        }

        return result;
    }

    private static SnapshotInfo Inspect(long nameSequence, string path)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            Span<byte> bytes = stackalloc byte[SnapshotHeader.Size];
            int read = file.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            if (!SnapshotHeader.TryRead(bytes[..read], out SnapshotHeader header, out string? problem))
            {
                return new SnapshotInfo(nameSequence, path, file.Length, 0, 0, problem);
            }

            if (header.Sequence != nameSequence)
            {
                return new SnapshotInfo(nameSequence, path, file.Length, header.Digest, header.TimestampTicks, $"the header says sequence {header.Sequence}");
            }

            if (file.Length != SnapshotHeader.Size + header.PayloadLength)
            {
                return new SnapshotInfo(nameSequence, path, file.Length, header.Digest, header.TimestampTicks,
                    $"the file is {file.Length} bytes; the header promises {SnapshotHeader.Size + header.PayloadLength}");
            }

            byte[] buffer = new byte[1 << 16];
            uint crc = Checksum.Begin();
            int n;
            while ((n = file.Read(buffer)) > 0)
            {
                crc = Checksum.Append(crc, buffer.AsSpan(0, n));
            }

            string? crcProblem = Checksum.Finish(crc) == header.PayloadCrc ? null : "the payload CRC does not match";
            return new SnapshotInfo(nameSequence, path, file.Length, header.Digest, header.TimestampTicks, crcProblem);
        }
        catch (IOException ex)
        {
            return new SnapshotInfo(nameSequence, path, 0, 0, 0, ex.Message);
        }
        catch (UnauthorizedAccessException ex)
        {
            return new SnapshotInfo(nameSequence, path, 0, 0, 0, ex.Message);
        }
    }

    /// <inheritdoc />
    public (TState State, SnapshotInfo Snapshot)? TryLoadNewest<TState>(Func<TState> createEmpty, Action<SnapshotInfo, string>? onUnusable = null)
        where TState : ISnapshotable
    {
        ArgumentNullException.ThrowIfNull(createEmpty);
        foreach ((long sequence, string path) in ListFiles())
        {
            SnapshotInfo info = Inspect(sequence, path);
            string? problem = info.Problem;
            if (problem is null)
            {
                TState state = createEmpty();
                try
                {
                    using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
                    file.Position = SnapshotHeader.Size;
                    state.RestoreSnapshot(file);
                    ulong digest = state.ComputeDigest();
                    if (digest == info.Digest)
                    {
                        return (state, info);
                    }

                    problem = $"the restored state's digest {digest:x16} differs from the recorded {info.Digest:x16}";
                }
                catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or IOException or FormatException)
                {
                    problem = "its state could not be read: " + ex.Message;
                }
            }

            Log.SnapshotUnreadable(_logger, path, problem);
            onUnusable?.Invoke(info with { Problem = problem }, problem);
        }

        return null;
    }
}
