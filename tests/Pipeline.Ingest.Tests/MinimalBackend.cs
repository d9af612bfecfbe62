using System;
using Pipeline.Protocol;

namespace Pipeline.Ingest.Tests;

/// <summary>A backend written before protocol version 2: it does not implement OnRead, so the interface's default answers.</summary>
internal sealed class MinimalBackend : IIngestBackend
{
    public (ulong LastProducerSequence, ulong HeadSequence) OnHello(ulong producerId) => (0, 0);

    public int TryPublish(IngestConnection connection, ReadOnlySpan<byte> buffer, ReadOnlySpan<Range> bodies) => 0;

    public void OnQuery(IngestConnection connection, in QueryFrame frame) => connection.SendResult(frame.RequestId, 0, ResultStatus.NotFound, "{}");
}
