using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Pipeline.Journal.Snapshots;

namespace Pipeline.Hosting.Engine;

/// <summary>
/// What a snapshot holds: the engine's own state (the last command applied, the idempotent producers' records,
/// each stream's version) and the application's state after it.
/// </summary>
/// <remarks>
/// Owned by the application stage's thread. The producers' records live here, not in the application, so that
/// de-duplication survives restarts whatever the application; the stream versions, so that the engine numbers each
/// stream's events without the application keeping count.
/// </remarks>
// Snapshot layout (little-endian, BinaryWriter strings): magic "PENG" u32, format u32 = 2, last sequence i64,
// last event position i64, producer count i32, then (id u64, last producer_seq u64, sequence i64) by id; stream count i32, then (stream
// string, version i64) by ordinal stream id; flows' state length i32 (-1: the service ran no flows), then those bytes
// (StreamRunner's layout); then the application's own snapshot bytes to the end. Format 1 lacks the flows' part.
internal sealed class EngineState<TState> : ISnapshotable
    where TState : class, ISnapshotable
{
    private const uint Magic = 0x474E4550; // "PENG"
    private const uint Format = 2;
    private const uint FormatWithoutFlows = 1;

    public EngineState(TState application)
    {
        Application = application;
    }

    public TState Application { get; }

    /// <summary>The highest journal sequence applied (0 for none).</summary>
    public long LastSequence { get; set; }

    /// <summary>The position of the last event the applied commands emitted (events are numbered 1, 2, 3, ... with no gaps).</summary>
    public long LastPosition { get; set; }

    public Dictionary<ulong, ProducerRecord> Producers { get; } = [];

    public Dictionary<string, long> StreamVersions { get; } = new(StringComparer.Ordinal);

    /// <summary>The stream-processing flows' state, when the application runs flows (null otherwise).</summary>
    public IEngineStatePart? Flows { get; init; }

    /// <summary>Gives the next version of <paramref name="stream"/> (1 for a new stream) and records it.</summary>
    public long NextStreamVersion(string stream)
    {
        ref long version = ref CollectionsMarshal.GetValueRefOrAddDefault(StreamVersions, stream, out _);
        return ++version;
    }

    public ISnapshotCapture CaptureSnapshot()
    {
        var producers = new (ulong Id, ProducerRecord Record)[Producers.Count];
        int i = 0;
        foreach (KeyValuePair<ulong, ProducerRecord> pair in Producers)
        {
            producers[i++] = (pair.Key, pair.Value);
        }

        var streams = new (string Stream, long Version)[StreamVersions.Count];
        i = 0;
        foreach (KeyValuePair<string, long> pair in StreamVersions)
        {
            streams[i++] = (pair.Key, pair.Value);
        }

        return new Capture(LastSequence, LastPosition, producers, streams, Flows?.Capture(), Application.CaptureSnapshot());
    }

    public void RestoreSnapshot(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var reader = new BinaryReader(source, Encoding.UTF8, leaveOpen: true);
        try
        {
            uint magic = reader.ReadUInt32();
            if (magic != Magic)
            {
                throw new InvalidDataException(
                    "The snapshot was not written by this engine (an older version wrote the application's state alone); it is skipped and the state is rebuilt from the journal.");
            }

            uint format = reader.ReadUInt32();
            if (format is not (Format or FormatWithoutFlows))
            {
                throw new InvalidDataException($"Engine snapshot format {format} is not supported.");
            }

            LastSequence = reader.ReadInt64();
            LastPosition = reader.ReadInt64();
            if (LastSequence < 0 || LastPosition < 0)
            {
                throw new InvalidDataException($"Negative sequence {LastSequence} or position {LastPosition} in the snapshot.");
            }

            int producers = reader.ReadInt32();
            if (producers < 0)
            {
                throw new InvalidDataException("Negative producer count in the snapshot.");
            }

            for (int i = 0; i < producers; i++)
            {
                ulong id = reader.ReadUInt64();
                var record = new ProducerRecord(reader.ReadUInt64(), reader.ReadInt64());
                if (id == 0 || !Producers.TryAdd(id, record))
                {
                    throw new InvalidDataException($"Invalid or duplicate producer {id} in the snapshot.");
                }
            }

            int streams = reader.ReadInt32();
            if (streams < 0)
            {
                throw new InvalidDataException("Negative stream count in the snapshot.");
            }

            for (int i = 0; i < streams; i++)
            {
                string stream = reader.ReadString();
                long version = reader.ReadInt64();
                if (stream.Length == 0 || version < 1 || !StreamVersions.TryAdd(stream, version))
                {
                    throw new InvalidDataException($"Invalid or duplicate stream '{stream}' in the snapshot.");
                }
            }

            RestoreFlows(reader, format);
        }
        catch (Exception ex) when (ex is EndOfStreamException or FormatException)
        {
            throw new InvalidDataException("The engine part of the snapshot ends early or holds a malformed string.", ex);
        }

        Application.RestoreSnapshot(source);
    }

    private void RestoreFlows(BinaryReader reader, uint format)
    {
        int length = format == FormatWithoutFlows ? -1 : reader.ReadInt32();
        if (length < -1)
        {
            throw new InvalidDataException($"Negative flow state length {length} in the snapshot.");
        }

        if (Flows is null)
        {
            // Flows off (or none): their state, if any, is not needed; switching them on later rebuilds it from the journal.
            if (length > 0)
            {
                reader.BaseStream.Seek(length, SeekOrigin.Current);
            }

            return;
        }

        if (length < 0)
        {
            throw new InvalidDataException(
                "The snapshot was written without the stream-processing flows' state (an older version, or flows off); it is skipped, so that the flows are rebuilt from the journal.");
        }

        byte[] state = reader.ReadBytes(length);
        if (state.Length != length)
        {
            throw new EndOfStreamException();
        }

        Flows.Restore(state);
    }

    public ulong ComputeDigest() => ((Capture)CaptureSnapshot()).Digest;

    private sealed class Capture(long lastSequence, long lastPosition, (ulong Id, ProducerRecord Record)[] producers, (string Stream, long Version)[] streams, byte[]? flows, ISnapshotCapture application) : ISnapshotCapture
    {
        private ulong? _digest;

        public ulong Digest => _digest ??= ComputeDigest();

        public void WriteTo(Stream destination)
        {
            using (var writer = new BinaryWriter(destination, Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(Magic);
                writer.Write(Format);
                writer.Write(lastSequence);
                writer.Write(lastPosition);
                WriteContent(writer);
                WriteFlows(writer);
            }

            application.WriteTo(destination);
        }

        // Sorted, so that equal states write equal bytes in any process.
        private void WriteContent(BinaryWriter writer)
        {
            Array.Sort(producers, static (a, b) => a.Id.CompareTo(b.Id));
            Array.Sort(streams, static (a, b) => string.CompareOrdinal(a.Stream, b.Stream));
            writer.Write(producers.Length);
            foreach ((ulong id, ProducerRecord record) in producers)
            {
                writer.Write(id);
                writer.Write(record.LastProducerSequence);
                writer.Write(record.Sequence);
            }

            writer.Write(streams.Length);
            foreach ((string stream, long version) in streams)
            {
                writer.Write(stream);
                writer.Write(version);
            }
        }

        private void WriteFlows(BinaryWriter writer)
        {
            writer.Write(flows?.Length ?? -1);
            if (flows is not null)
            {
                writer.Write(flows);
            }
        }

        // Covers the producers, the streams and the application's digest, not the last sequence: equal states, equal digests.
        private ulong ComputeDigest()
        {
            using var buffer = new MemoryStream();
            using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
            {
                writer.Write("engine/1");
                WriteContent(writer);
                if (flows is not null)
                {
                    // Only with flows, so that a service without them keeps the digests its older snapshots recorded.
                    WriteFlows(writer);
                }

                writer.Write(application.Digest);
            }

            Span<byte> digest = stackalloc byte[32];
            SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), digest);
            return BinaryPrimitives.ReadUInt64LittleEndian(digest);
        }
    }
}
