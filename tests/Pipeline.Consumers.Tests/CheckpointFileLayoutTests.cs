using System;
using System.Buffers.Binary;
using System.IO;
using Pipeline.Consumers.Internal;
using Pipeline.Journal.Format;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Consumers.Tests;

// Pins the byte layout that docs/consumers.md ("Checkpoint file") documents.
public sealed class CheckpointFileLayoutTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Commit_WritesTheDocumentedHeaderAndRecord()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero));
        using (CheckpointStore store = CheckpointStore.Open(_temp.Path, time: time))
        {
            store.Commit("ab", 0x0102030405060708);
            store.Reset("ab", 3);
            store.Delete("ab");
        }

        byte[] file = File.ReadAllBytes(Path.Combine(_temp.Path, CheckpointFiles.LogFileName));

        Assert.Equal(16 + (3 * 36), file.Length);
        Assert.Equal("PCKP"u8.ToArray(), file[..4]);
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(4)));
        Assert.Equal(16, BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(6)));
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(8)));
        Assert.Equal(Checksum.Compute(file.AsSpan(0, 12)), BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(12)));
        AssertRecord(file.AsSpan(16, 36), kind: 1, 0x0102030405060708, time.GetUtcNow().UtcTicks, commits: 1);
        AssertRecord(file.AsSpan(52, 36), kind: 2, 3, time.GetUtcNow().UtcTicks, commits: 1);
        AssertRecord(file.AsSpan(88, 36), kind: 3, 3, time.GetUtcNow().UtcTicks, commits: 1);
    }

    private static void AssertRecord(ReadOnlySpan<byte> record, byte kind, long position, long ticks, long commits)
    {
        Assert.Equal(26u + 2, BinaryPrimitives.ReadUInt32LittleEndian(record));
        uint crc = Checksum.Finish(Checksum.Append(Checksum.Append(Checksum.Begin(), record[..4]), record[8..]));
        Assert.Equal(crc, BinaryPrimitives.ReadUInt32LittleEndian(record[4..]));
        Assert.Equal(kind, record[8]);
        Assert.Equal(position, BinaryPrimitives.ReadInt64LittleEndian(record[9..]));
        Assert.Equal(ticks, BinaryPrimitives.ReadInt64LittleEndian(record[17..]));
        Assert.Equal(commits, BinaryPrimitives.ReadInt64LittleEndian(record[25..]));
        Assert.Equal(2, record[33]);
        Assert.Equal("ab"u8.ToArray(), record[34..].ToArray());
    }
}
