using System;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Client;
using Pipeline.EventStore;
using Pipeline.Ingest;
using Pipeline.Protocol;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Client.Tests;

/// <summary>Reads (protocol version 2) against an in-process listener that serves them from a real event store.</summary>
public sealed class PipelineClientReadTests : IDisposable
{
    private const int Count = 120;
    private static readonly DateTime Start = new(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
    private readonly TempDirectory _temp = new();
    private readonly EventLogOptions _options;

    public PipelineClientReadTests()
    {
        _options = new EventLogOptions { Directory = _temp.Combine("events"), SegmentSizeBytes = 8192, MaxPayloadBytes = 4096 };
        using EventLogWriter writer = EventLogWriter.Open(_options);
        for (long n = 1; n <= Count; n++)
        {
            // Event n: stream "s-{n % 3}", version (n - 1) / 3 + 1, type even/odd, producer n % 4, one second apart.
            writer.Append(new EventToAppend(Encoding.UTF8.GetBytes("s-" + (n % 3).ToString(CultureInfo.InvariantCulture)), ((n - 1) / 3) + 1,
                n % 2 == 0 ? "even"u8 : "odd"u8, 3, Encoding.UTF8.GetBytes("{\"n\":" + n.ToString(CultureInfo.InvariantCulture) + "}"),
                n * 2, Start.AddSeconds(n).Ticks, (ulong)(n % 4)) { ExpectedPosition = n });
        }
    }

    public void Dispose() => _temp.Dispose();

    private IngestListener StartListener(long head = Count, ushort maxProtocolVersion = FrameHeader.MaxProtocolVersion, int maxFrameLength = 1024 * 1024)
    {
        var visible = new VisibleHead(head);
        var service = new EventReadService(new EventStoreReader(new EventLogReader(_options), new EventIndex(_options), visible), visible, TimeSpan.FromMilliseconds(200));
        var listener = new IngestListener(
            new IngestOptions { Port = 0, CloseTimeout = TestTimeouts.Default, MaxProtocolVersion = maxProtocolVersion, MaxFrameLength = maxFrameLength },
            new ReadingBackend(service));
        listener.Start();
        return listener;
    }

    private static Task<PipelineClient> ConnectAsync(int port, ushort version = 2) =>
        PipelineClient.ConnectAsync(new PipelineClientOptions { Port = port, ClientName = "read-tests", ProtocolVersion = version }).WaitAsync(TestTimeouts.Default);

    private static Task<T> Bounded<T>(Task<T> task) => task.WaitAsync(TestTimeouts.Default);

    [Fact(Timeout = 30_000)]
    public async Task ReadAsync_DefaultProtocolVersion1_ThrowsSayingToAskForVersion2()
    {
        await using IngestListener listener = StartListener();
        await using PipelineClient client = await ConnectAsync(listener.Port, version: 1);

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => { _ = client.ReadAllForwardAsync(1, 10); });

        Assert.Equal((ushort)1, client.Welcome.Version);
        Assert.Contains("ProtocolVersion = 2", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task ConnectAsync_Version2ToAVersion1Server_ThrowsUnsupportedVersion()
    {
        await using IngestListener listener = StartListener(maxProtocolVersion: 1);

        ServerErrorException error = await Assert.ThrowsAsync<ServerErrorException>(() => ConnectAsync(listener.Port));

        Assert.Equal(ErrorCode.UnsupportedVersion, error.Code);
    }

    [Fact(Timeout = 30_000)]
    public async Task ConnectAsync_ProtocolVersionAboveTheMaximum_ThrowsBeforeConnecting()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ConnectAsync(1, version: FrameHeader.MaxProtocolVersion + 1));
    }

    [Fact(Timeout = 30_000)]
    public async Task ReadAllForwardAsync_Version2_ReturnsEventsWithEveryFieldAndWhereToGoOn()
    {
        await using IngestListener listener = StartListener(maxFrameLength: 512);
        await using PipelineClient client = await ConnectAsync(listener.Port);

        ReadResult result = await Bounded(client.ReadAllForwardAsync(0, 50));

        Assert.Equal((ushort)2, client.Welcome.Version);
        Assert.Equal((ReadStatus.Ok, 51UL, (ulong)Count, ""), (result.Status, result.Next, result.HeadPosition, result.Message));
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (ulong)i), result.Events.Select(e => e.Position));
        StoredEvent e = result.Events[9];
        Assert.Equal((10UL, 20UL, 2UL, "s-1", 4UL, "even", (ushort)3), (e.Position, e.CommandSequence, e.ProducerId, e.Stream, e.StreamVersion, e.Type, e.SchemaVersion));
        Assert.Equal(Start.AddSeconds(10), e.Timestamp);
        Assert.Equal("{\"n\":10}", Encoding.UTF8.GetString(e.Payload.Span));
    }

    [Fact(Timeout = 30_000)]
    public async Task ReadAsync_EverySelector_ReturnsTheMatchingEvents()
    {
        await using IngestListener listener = StartListener(head: 100);
        await using PipelineClient client = await ConnectAsync(listener.Port);

        ReadResult backward = await Bounded(client.ReadAllBackwardAsync(ulong.MaxValue, 3));
        ReadResult stream = await Bounded(client.ReadStreamAsync("s-2", 3, 2));
        ReadResult type = await Bounded(client.ReadTypeAsync("odd", 95, 10));
        ReadResult producer = await Bounded(client.ReadProducerAsync(1, 90, 2));
        ReadResult time = await Bounded(client.ReadFromTimeAsync(Start.AddSeconds(42.5), 2));

        Assert.Equal([100UL, 99, 98], backward.Events.Select(e => e.Position));
        Assert.Equal(97UL, backward.Next);
        Assert.Equal([8UL, 11], stream.Events.Select(e => e.Position));
        Assert.Equal(5UL, stream.Next);
        Assert.Equal([95UL, 97, 99], type.Events.Select(e => e.Position));
        Assert.Equal(101UL, type.Next);
        Assert.Equal([93UL, 97], producer.Events.Select(e => e.Position));
        Assert.Equal(98UL, producer.Next);
        Assert.Equal([43UL, 44], time.Events.Select(e => e.Position));
        Assert.Equal(45UL, time.Next);
    }

    [Fact(Timeout = 30_000)]
    public async Task ReadStreamAsync_UnknownStream_ReturnsNotFound()
    {
        await using IngestListener listener = StartListener();
        await using PipelineClient client = await ConnectAsync(listener.Port);

        ReadResult result = await Bounded(client.ReadStreamAsync("nope", 1, 10));

        Assert.Equal(ReadStatus.NotFound, result.Status);
        Assert.Empty(result.Events);
    }

    [Fact(Timeout = 30_000)]
    public async Task ReadAsync_MaxCountZeroOrMinSequenceNeverReached_ReportsTheStatusAndTheConnectionGoesOn()
    {
        await using IngestListener listener = StartListener(head: 100);
        await using PipelineClient client = await ConnectAsync(listener.Port);

        ReadResult badRequest = await Bounded(client.ReadAllForwardAsync(1, 0));
        ReadResult timeout = await Bounded(client.ReadAllForwardAsync(1, 10, minSequence: 101));
        ReadResult ok = await Bounded(client.ReadAllForwardAsync(1, 1));

        Assert.Equal(ReadStatus.BadRequest, badRequest.Status);
        Assert.Contains("max_count", badRequest.Message, StringComparison.Ordinal);
        Assert.Equal(ReadStatus.Timeout, timeout.Status);
        Assert.Equal(ReadStatus.Ok, ok.Status);
    }

    [Fact(Timeout = 30_000)]
    public async Task ReadAsync_ManyPipelinedOnOneConnection_EachGetsItsOwnEvents()
    {
        await using IngestListener listener = StartListener(maxFrameLength: 256);
        await using PipelineClient client = await ConnectAsync(listener.Port);

        Task<ReadResult>[] reads = [.. Enumerable.Range(0, 20).Select(i => client.ReadAllForwardAsync((ulong)(i * 5) + 1, 5))];
        ReadResult[] results = await Task.WhenAll(reads).WaitAsync(TestTimeouts.Default);

        for (int i = 0; i < results.Length; i++)
        {
            Assert.Equal(Enumerable.Range((i * 5) + 1, 5).Select(p => (ulong)p), results[i].Events.Select(e => e.Position));
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task ReadAsync_CancelledWhileWaiting_ThrowsAndTheNextReadIsAnswered()
    {
        await using IngestListener listener = StartListener(head: 100);
        await using PipelineClient client = await ConnectAsync(listener.Port);
        using var cancel = new CancellationTokenSource();

        Task<ReadResult> waiting = client.ReadAllForwardAsync(1, 10, minSequence: 1000, cancel.Token);
        await cancel.CancelAsync();
        ReadResult next = await Bounded(client.ReadAllForwardAsync(1, 1));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(ReadStatus.Ok, next.Status);
    }

    private sealed class ReadingBackend(EventReadService service) : IIngestBackend
    {
        public (ulong LastProducerSequence, ulong HeadSequence) OnHello(ulong producerId) => (0, 0);

        public int TryPublish(IngestConnection connection, ReadOnlySpan<byte> buffer, ReadOnlySpan<Range> bodies) => 0;

        public void OnQuery(IngestConnection connection, in QueryFrame frame) => connection.SendResult(frame.RequestId, 0, ResultStatus.NotFound, "{}");

        public void OnRead(IngestConnection connection, in ReadFrame frame) => service.Start(connection, frame);
    }
}
