using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Pipeline.EventStore;
using Pipeline.Protocol;
using Pipeline.Testing;

namespace Pipeline.Ingest.Tests;

/// <summary>
/// A real event log in a temp folder that the test appends to while subscriptions read it, with a visible head the
/// test advances, and a listener whose backend serves subscriptions and fetches from it.
/// </summary>
/// <remarks>
/// Event n: stream "s-{n % 3}", type "even.x"/"odd.x", producer n % 4, payload "payload-n". Appends are made visible
/// at once (flushed, then the head advanced), as the engine does at the end of a batch.
/// </remarks>
internal sealed class SubscriptionTestStore : IAsyncDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly EventLogWriter _writer;
    private readonly object _gate = new();
    private readonly Dictionary<string, long> _versions = [];

    public SubscriptionTestStore(SubscriptionOptions? options = null, IConsumerCheckpoints? checkpoints = null, int maxFrameLength = 1024 * 1024, int maxPayloadBytes = 4096)
    {
        var logOptions = new EventLogOptions { Directory = _temp.Combine("events"), SegmentSizeBytes = 1 << 20, MaxPayloadBytes = Math.Max(maxPayloadBytes, 4096) };
        _writer = EventLogWriter.Open(logOptions);
        Head = new VisibleHead(0);
        Reader = new EventStoreReader(new EventLogReader(logOptions), new EventIndex(logOptions), Head);
        Subscriptions = new SubscriptionService(Reader, options ?? new SubscriptionOptions { HeartbeatInterval = TimeSpan.FromHours(1) }, checkpoints);
        Fetches = new FetchService(Reader);
        Listener = IngestTestHost.Start(new Backend(this), IngestTestHost.Options(maxFrameLength: maxFrameLength, maxProtocolVersion: FrameHeader.ConsumerProtocolVersion));
    }

    public VisibleHead Head { get; }

    public EventStoreReader Reader { get; }

    public SubscriptionService Subscriptions { get; }

    public FetchService Fetches { get; }

    public IngestListener Listener { get; }

    public long LastPosition
    {
        get
        {
            lock (_gate)
            {
                return _writer.LastPosition;
            }
        }
    }

    public static string Stream(long n) => "s-" + (n % 3).ToString(CultureInfo.InvariantCulture);

    public static string Type(long n) => n % 2 == 0 ? "even.x" : "odd.x";

    public static ulong Producer(long n) => (ulong)(n % 4);

    /// <summary>Appends <paramref name="count"/> events and makes them visible; returns the last position.</summary>
    public long Append(int count, int payloadBytes = 0)
    {
        lock (_gate)
        {
            for (int i = 0; i < count; i++)
            {
                long n = _writer.LastPosition + 1;
                string stream = Stream(n);
                long version = _versions.GetValueOrDefault(stream) + 1;
                _versions[stream] = version;
                byte[] payload = payloadBytes > 0 ? new byte[payloadBytes] : Encoding.UTF8.GetBytes("payload-" + n.ToString(CultureInfo.InvariantCulture));
                _writer.Append(new EventToAppend(Encoding.UTF8.GetBytes(stream), version, Encoding.UTF8.GetBytes(Type(n)), 1, payload, n, 638_000_000_000_000_000L + n, Producer(n)) { ExpectedPosition = n });
            }

            _writer.Flush();
            Head.Advance(_writer.LastPosition);
            return _writer.LastPosition;
        }
    }

    public async Task<FrameConnection> ConnectAsync(int? receiveBufferBytes = null)
    {
        FrameConnection client = await FrameConnection.ConnectAsync(Listener.Port, receiveBufferBytes);
        await client.SendAsync(FrameBytes.Hello(0, "subscriber", FrameHeader.ConsumerProtocolVersion));
        (await client.ReadRequiredFrameAsync()).AsWelcome();
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await Listener.DisposeAsync();
        Reader.Dispose();
        _writer.Dispose();
        _temp.Dispose();
    }

    /// <summary>Reads frames of one subscription until <paramref name="count"/> events came; other kinds are returned too.</summary>
    public static async Task<(List<ulong> Positions, List<ReceivedFrame> Others)> ReadEventsAsync(FrameConnection client, int count)
    {
        var positions = new List<ulong>();
        var others = new List<ReceivedFrame>();
        while (positions.Count < count)
        {
            ReceivedFrame frame = await client.ReadRequiredFrameAsync();
            if (frame.Kind == FrameKind.Push)
            {
                positions.AddRange(frame.AsPush().Records.Select(r => r.Position));
            }
            else
            {
                others.Add(frame);
            }
        }

        return (positions, others);
    }

    /// <summary>Reads frames until one of <paramref name="kind"/> came; returns it and the events pushed before it.</summary>
    public static async Task<(ReceivedFrame Frame, List<ulong> Positions)> ReadUntilAsync(FrameConnection client, FrameKind kind)
    {
        var positions = new List<ulong>();
        while (true)
        {
            ReceivedFrame frame = await client.ReadRequiredFrameAsync();
            if (frame.Kind == kind)
            {
                return (frame, positions);
            }

            if (frame.Kind == FrameKind.Push)
            {
                positions.AddRange(frame.AsPush().Records.Select(r => r.Position));
            }
        }
    }

    public static List<ulong> Range(long from, long toInclusive) => [.. Enumerable.Range((int)from, (int)(toInclusive - from + 1)).Select(i => (ulong)i)];

    private sealed class Backend(SubscriptionTestStore store) : IIngestBackend
    {
        public (ulong LastProducerSequence, ulong HeadSequence) OnHello(ulong producerId) => (0, 0);

        public int TryPublish(IngestConnection connection, ReadOnlySpan<byte> buffer, ReadOnlySpan<Range> bodies) => 0;

        public void OnQuery(IngestConnection connection, in QueryFrame frame) => connection.SendResult(frame.RequestId, 0, ResultStatus.NotFound, "{}");

        public void OnSubscribe(IngestConnection connection, in SubscribeFrame frame) => store.Subscriptions.Subscribe(connection, frame);

        public void OnCredit(IngestConnection connection, in CreditFrame frame) => store.Subscriptions.Credit(connection, frame);

        public void OnUnsubscribe(IngestConnection connection, in UnsubscribeFrame frame) => store.Subscriptions.Unsubscribe(connection, frame);

        public void OnFetch(IngestConnection connection, in FetchFrame frame) => store.Fetches.Start(connection, frame);

        public void OnConnectionClosed(IngestConnection connection) => store.Subscriptions.ConnectionClosed(connection);
    }
}
