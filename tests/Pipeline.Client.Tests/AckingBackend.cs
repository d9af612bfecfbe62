using System;
using System.Collections.Generic;
using System.Text;
using Pipeline.Ingest;
using Pipeline.Protocol;

namespace Pipeline.Client.Tests;

/// <summary>
/// An engine stand-in behind a real <see cref="IngestListener"/>: takes every PUBLISH, records it, and acknowledges it
/// at once with the next global sequence and the detail <c>d{producer_seq}</c>; answers queries with their own fields.
/// </summary>
/// <remarks>Thread-safe: connections call it on their threads while the test reads what it recorded.</remarks>
internal sealed class AckingBackend : IIngestBackend
{
    private readonly object _gate = new();
    private readonly List<(ulong ProducerId, ulong ProducerSequence, string Type, ushort SchemaVersion, byte[] Payload)> _received = [];
    private ulong _sequence;

    /// <summary>What OnHello answers.</summary>
    public (ulong LastProducerSequence, ulong HeadSequence) HelloAnswer { get; init; }

    public List<(ulong ProducerId, ulong ProducerSequence, string Type, ushort SchemaVersion, byte[] Payload)> Received()
    {
        lock (_gate)
        {
            return [.. _received];
        }
    }

    public (ulong LastProducerSequence, ulong HeadSequence) OnHello(ulong producerId) => HelloAnswer;

    public int TryPublish(IngestConnection connection, ReadOnlySpan<byte> buffer, ReadOnlySpan<Range> bodies)
    {
        lock (_gate)
        {
            foreach (Range body in bodies)
            {
                if (!ClientFrames.TryParsePublish(buffer[body], out PublishFrame frame))
                {
                    throw new InvalidOperationException("The connection handed over a malformed PUBLISH.");
                }

                _received.Add((connection.ProducerId, frame.ProducerSequence, Encoding.UTF8.GetString(frame.Type), frame.SchemaVersion, frame.Payload.ToArray()));
                connection.SendAck(frame.ProducerSequence, ++_sequence, AckStatus.Ok, "d" + frame.ProducerSequence);
            }
        }

        connection.Flush();
        return bodies.Length;
    }

    public void OnQuery(IngestConnection connection, in QueryFrame frame) =>
        connection.SendResult(frame.RequestId, frame.MinSequence, ResultStatus.Ok, Encoding.UTF8.GetString(frame.Name) + ":" + Encoding.UTF8.GetString(frame.Args));
}
