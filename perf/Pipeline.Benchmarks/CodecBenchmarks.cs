using System;
using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using BenchmarkDotNet.Attributes;
using Pipeline.Protocol;

namespace Pipeline.Benchmarks;

/// <summary>
/// The wire codec, per frame: encode PUBLISH (what a client sends) and ACK (what the server answers) with
/// <see cref="FrameWriter"/> into a reused buffer, and decode a buffer of 64 frames of each (FrameHeader.TryRead,
/// then ClientFrames.TryParsePublish, or the client's BodyReader parse of an ACK). Single-threaded, in memory.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Codec")]
public class CodecBenchmarks
{
    /// <summary>Frames per invocation: one receive buffer's worth.</summary>
    private const int Frames = 64;

    /// <summary>The server's default Pipeline:Ingest:MaxFrameLength.</summary>
    private const int MaxFrameLength = 1024 * 1024;

    private static readonly byte[] s_type = "ledger.transfer"u8.ToArray();
    private static readonly byte[] s_payload = "{\"from\":\"acct-000042\",\"to\":\"acct-000917\",\"amount\":2500}"u8.ToArray();
    private readonly ArrayBufferWriter<byte> _output = new(Frames * 128);
    private byte[] _publishFrames = [];
    private byte[] _ackFrames = [];

    [GlobalSetup]
    public void Setup()
    {
        ProbeLog.Record("Codec");
        var frames = new ArrayBufferWriter<byte>(Frames * 128);
        for (int i = 0; i < Frames; i++)
        {
            FrameWriter.WritePublish(frames, (ulong)i + 1, s_type, 1, s_payload);
        }

        _publishFrames = frames.WrittenSpan.ToArray();
        frames.ResetWrittenCount();
        for (int i = 0; i < Frames; i++)
        {
            FrameWriter.WriteAck(frames, (ulong)i + 1, (ulong)i + 1000, AckStatus.Ok, ReadOnlySpan<char>.Empty);
        }

        _ackFrames = frames.WrittenSpan.ToArray();
    }

    [GlobalCleanup]
    public void Cleanup() => ProbeLog.Record(nameof(CodecBenchmarks), "cleanup");

    /// <summary>PUBLISH of a 55-byte ledger.transfer payload (91 bytes on the wire).</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Frames)]
    public int Encode_Publish()
    {
        ArrayBufferWriter<byte> output = _output;
        output.ResetWrittenCount();
        for (int i = 0; i < Frames; i++)
        {
            FrameWriter.WritePublish(output, (ulong)i + 1, s_type, 1, s_payload);
        }

        return output.WrittenCount;
    }

    /// <summary>ACK with status OK and no detail (24 bytes on the wire).</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public int Encode_Ack()
    {
        ArrayBufferWriter<byte> output = _output;
        output.ResetWrittenCount();
        for (int i = 0; i < Frames; i++)
        {
            FrameWriter.WriteAck(output, (ulong)i + 1, (ulong)i + 1000, AckStatus.Ok, ReadOnlySpan<char>.Empty);
        }

        return output.WrittenCount;
    }

    /// <summary>Splits a buffer of 64 PUBLISH frames and parses each body, as the ingest connection does.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public long Decode_Publish()
    {
        ReadOnlySpan<byte> buffer = _publishFrames;
        long checksum = 0;
        while (FrameHeader.TryRead(buffer, MaxFrameLength, out byte kind, out ReadOnlySpan<byte> body, out int frameBytes) == FrameStatus.Complete)
        {
            if (kind != (byte)FrameKind.Publish)
            {
                ThrowMalformed();
            }

            if (!ClientFrames.TryParsePublish(body, out PublishFrame frame))
            {
                ThrowMalformed();
            }

            checksum += (long)frame.ProducerSequence + frame.Type.Length + frame.SchemaVersion + frame.Payload.Length;
            buffer = buffer[frameBytes..];
        }

        return checksum;
    }

    /// <summary>Splits a buffer of 64 ACK frames and reads each body's fields, as the client does.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public long Decode_Ack()
    {
        ReadOnlySpan<byte> buffer = _ackFrames;
        long checksum = 0;
        while (FrameHeader.TryRead(buffer, MaxFrameLength, out byte kind, out ReadOnlySpan<byte> body, out int frameBytes) == FrameStatus.Complete)
        {
            // Every read runs (no short-circuit) so that each field is assigned; a failed read leaves ok false.
            var reader = new BodyReader(body);
            bool ok = reader.TryReadUInt64(out ulong producerSequence);
            ok &= reader.TryReadUInt64(out ulong sequence);
            ok &= reader.TryReadByte(out byte status);
            ok &= reader.TryReadString(out ReadOnlySpan<byte> detail);
            if (kind != (byte)FrameKind.Ack || !ok || !reader.IsAtEnd)
            {
                ThrowMalformed();
            }

            checksum += (long)(producerSequence + sequence) + status + detail.Length;
            buffer = buffer[frameBytes..];
        }

        return checksum;
    }

    [DoesNotReturn]
    private static void ThrowMalformed() => throw new InvalidOperationException("The benchmark's frame buffer does not parse.");
}
