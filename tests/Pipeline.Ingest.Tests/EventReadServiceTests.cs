using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Pipeline.EventStore;
using Pipeline.Protocol;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Ingest.Tests;

/// <summary>READ served from a real event store through a listener, as a client sees it.</summary>
public sealed class EventReadServiceTests : IDisposable
{
    private const int Count = 200;
    private const long BaseTicks = 638_000_000_000_000_000L;
    private readonly TempDirectory _temp = new();
    private readonly EventLogOptions _options;

    public EventReadServiceTests()
    {
        _options = new EventLogOptions { Directory = _temp.Combine("events"), SegmentSizeBytes = 8192, MaxPayloadBytes = 4096 };
        using EventLogWriter writer = EventLogWriter.Open(_options);
        for (long n = 1; n <= Count; n++)
        {
            // Event n: stream "s-{n % 3}", version (n - 1) / 3 + 1, type even/odd, producer n % 4; event 150 is large.
            byte[] payload = Encoding.UTF8.GetBytes(n == 150 ? new string('p', 2000) : "payload-" + n.ToString(CultureInfo.InvariantCulture));
            writer.Append(new EventToAppend(Encoding.UTF8.GetBytes("s-" + (n % 3).ToString(CultureInfo.InvariantCulture)), ((n - 1) / 3) + 1,
                n % 2 == 0 ? "even"u8 : "odd"u8, 1, payload, n * 2, BaseTicks + (n * 10), (ulong)(n % 4)) { ExpectedPosition = n });
        }
    }

    public void Dispose() => _temp.Dispose();

    private async Task<(IngestListener Listener, FrameConnection Client, VisibleHead Head)> StartAsync(long head, int maxFrameLength = 1024 * 1024, TimeSpan? waitLimit = null)
    {
        var visible = new VisibleHead(head);
        // The fixture's log has one event per command, so one head serves as both the visible position and the command sequence.
        var service = new EventReadService(new EventStoreReader(new EventLogReader(_options), new EventIndex(_options), visible), visible, waitLimit ?? TestTimeouts.Default);
        IngestListener listener = IngestTestHost.Start(new ReadServingBackend(service), IngestTestHost.Options(maxFrameLength: maxFrameLength));
        FrameConnection client = await FrameConnection.ConnectAsync(listener.Port);
        await client.SendAsync(FrameBytes.Hello(0, "reader", 2));
        (await client.ReadRequiredFrameAsync()).AsWelcome();
        return (listener, client, visible);
    }

    // Reads EVENTS frames until the READ_END of the request.
    private static async Task<(List<ulong> Positions, int Frames, (ulong RequestId, ReadStatus Status, ulong Next, ulong HeadPosition, uint EventCount, string Message) End)> AnswerAsync(FrameConnection client)
    {
        var positions = new List<ulong>();
        int frames = 0;
        while (true)
        {
            ReceivedFrame frame = await client.ReadRequiredFrameAsync();
            if (frame.Kind == FrameKind.ReadEnd)
            {
                return (positions, frames, frame.AsReadEnd());
            }

            frames++;
            positions.AddRange(frame.AsEvents().Records.Select(r => r.Position));
        }
    }

    // Reads frames until <paramref name="count"/> READ_ENDs came, sorting the records by request.
    private static async Task<Dictionary<ulong, (List<ulong> Positions, (ReadStatus Status, ulong Next, ulong HeadPosition) End)>> AnswersAsync(FrameConnection client, int count)
    {
        var positions = new Dictionary<ulong, List<ulong>>();
        var answers = new Dictionary<ulong, (List<ulong>, (ReadStatus, ulong, ulong))>();
        while (answers.Count < count)
        {
            ReceivedFrame frame = await client.ReadRequiredFrameAsync();
            if (frame.Kind == FrameKind.ReadEnd)
            {
                var end = frame.AsReadEnd();
                answers.Add(end.RequestId, (positions.GetValueOrDefault(end.RequestId) ?? [], (end.Status, end.Next, end.HeadPosition)));
                continue;
            }

            var events = frame.AsEvents();
            if (!positions.TryGetValue(events.RequestId, out List<ulong>? list))
            {
                positions[events.RequestId] = list = [];
            }

            list.AddRange(events.Records.Select(r => r.Position));
        }

        return answers;
    }

    private static List<ulong> Range(ulong from, ulong toInclusive) => [.. Enumerable.Range((int)from, (int)(toInclusive - from + 1)).Select(i => (ulong)i)];

    [Fact(Timeout = 30_000)]
    public async Task Read_MoreThanOneFrameHolds_WholeRecordBatchesInOrderThenOk()
    {
        (IngestListener listener, FrameConnection client, _) = await StartAsync(Count, maxFrameLength: 1024);
        await using IngestListener server = listener;
        using FrameConnection connection = client;

        await client.SendAsync(FrameBytes.Read(11, ReadSelector.AllForward, 0, 100));
        var answer = await AnswerAsync(client);

        Assert.Equal(Range(1, 100), answer.Positions);
        Assert.True(answer.Frames > 5, $"{answer.Frames} frames");
        Assert.Equal((11UL, ReadStatus.Ok, 101UL, (ulong)Count, 100U, ""), answer.End);
    }

    [Fact(Timeout = 30_000)]
    public async Task Read_EventRecordsOnTheWire_CarryEveryField()
    {
        (IngestListener listener, FrameConnection client, _) = await StartAsync(Count);
        await using IngestListener server = listener;
        using FrameConnection connection = client;

        await client.SendAsync(FrameBytes.Read(1, ReadSelector.Stream, 2, 1, 0, 0, "s-1"));
        ReceivedFrame events = await client.ReadRequiredFrameAsync();
        var end = (await client.ReadRequiredFrameAsync()).AsReadEnd();

        var record = Assert.Single(events.AsEvents().Records);
        Assert.Equal((4UL, 8UL, BaseTicks + 40, 0UL, "s-1", 2UL, "even", (ushort)1), (record.Position, record.CommandSequence, record.TimestampTicks, record.ProducerId, record.Stream, record.StreamVersion, record.Type, record.SchemaVersion));
        Assert.Equal("payload-4", Encoding.UTF8.GetString(record.Payload));
        Assert.Equal((ReadStatus.Ok, 3UL, 1U), (end.Status, end.Next, end.EventCount));
    }

    [Fact(Timeout = 30_000)]
    public async Task Read_EverySelector_CappedAtTheVisibleHead()
    {
        (IngestListener listener, FrameConnection client, _) = await StartAsync(60);
        await using IngestListener server = listener;
        using FrameConnection connection = client;

        await client.SendAsync(FrameBytes.Concat(
            FrameBytes.Read(1, ReadSelector.AllForward, 55, 100),
            FrameBytes.Read(2, ReadSelector.AllBackward, ulong.MaxValue, 3),
            FrameBytes.Read(3, ReadSelector.Stream, 19, 100, 0, 0, "s-0"),
            FrameBytes.Read(4, ReadSelector.Type, 50, 100, 0, 0, "odd"),
            FrameBytes.Read(5, ReadSelector.Producer, 50, 100, 0, 2),
            FrameBytes.Read(6, ReadSelector.Time, (ulong)(BaseTicks + 575), 100)));
        // Pipelined reads are served at once: their answers interleave, each one's frames in order.
        Dictionary<ulong, (List<ulong> Positions, (ReadStatus Status, ulong Next, ulong HeadPosition) End)> answers = await AnswersAsync(client, 6);
        var forward = answers[1];
        var backward = answers[2];
        var stream = answers[3];
        var type = answers[4];
        var producer = answers[5];
        var time = answers[6];

        Assert.Equal(Range(55, 60), forward.Positions);
        Assert.Equal([60UL, 59, 58], backward.Positions);
        Assert.Equal([57UL, 60], stream.Positions);
        Assert.Equal([51UL, 53, 55, 57, 59], type.Positions);
        Assert.Equal([50UL, 54, 58], producer.Positions);
        Assert.Equal(Range(58, 60), time.Positions);
        Assert.Equal([61UL, 57, 21, 61, 61, 61], new[] { forward, backward, stream, type, producer, time }.Select(a => a.End.Next));
        Assert.All([forward, backward, stream, type, producer, time], a => Assert.Equal((ReadStatus.Ok, 60UL), (a.End.Status, a.End.HeadPosition)));
    }

    [Fact(Timeout = 30_000)]
    public async Task Read_UnknownStream_NotFound()
    {
        (IngestListener listener, FrameConnection client, _) = await StartAsync(Count);
        await using IngestListener server = listener;
        using FrameConnection connection = client;

        await client.SendAsync(FrameBytes.Read(1, ReadSelector.Stream, 1, 10, 0, 0, "nope"));
        var answer = await AnswerAsync(client);

        Assert.Empty(answer.Positions);
        Assert.Equal((ReadStatus.NotFound, 0UL, 0U), (answer.End.Status, answer.End.Next, answer.End.EventCount));
    }

    [Theory(Timeout = 30_000)]
    [InlineData(0U, "")]
    [InlineData(10_001U, "")]
    [InlineData(10U, "key-for-a-position-read")]
    public async Task Read_BrokenRule_BadRequestAndTheConnectionGoesOn(uint maxCount, string key)
    {
        (IngestListener listener, FrameConnection client, _) = await StartAsync(Count);
        await using IngestListener server = listener;
        using FrameConnection connection = client;

        await client.SendAsync(FrameBytes.Concat(FrameBytes.Read(1, ReadSelector.AllForward, 1, maxCount, 0, 0, key), FrameBytes.Ping(3)));
        var end = (await client.ReadRequiredFrameAsync()).AsReadEnd();
        ulong nonce = (await client.ReadRequiredFrameAsync()).AsNonce();

        Assert.Equal((1UL, ReadStatus.BadRequest, 0UL, (ulong)Count), (end.RequestId, end.Status, end.Next, end.HeadPosition));
        Assert.NotEmpty(end.Message);
        Assert.Equal(3UL, nonce);
    }

    [Fact(Timeout = 30_000)]
    public async Task Read_MinSequenceNeverReached_TimeoutAfterTheWaitLimit()
    {
        (IngestListener listener, FrameConnection client, _) = await StartAsync(100, waitLimit: TimeSpan.FromMilliseconds(100));
        await using IngestListener server = listener;
        using FrameConnection connection = client;

        await client.SendAsync(FrameBytes.Read(1, ReadSelector.AllForward, 1, 10, minSequence: 101));
        var answer = await AnswerAsync(client);

        Assert.Empty(answer.Positions);
        Assert.Equal((ReadStatus.Timeout, 0UL, 100UL), (answer.End.Status, answer.End.Next, answer.End.HeadPosition));
        Assert.Equal("the event store did not reach command sequence 101 within 100 ms", answer.End.Message);
    }

    [Fact(Timeout = 30_000)]
    public async Task Read_MinSequenceReachedWhileWaiting_AnswersWithTheNewEvents()
    {
        (IngestListener listener, FrameConnection client, VisibleHead head) = await StartAsync(100);
        await using IngestListener server = listener;
        using FrameConnection connection = client;

        await client.SendAsync(FrameBytes.Read(1, ReadSelector.AllForward, 101, 10, minSequence: 103));
        head.Advance(105);
        var answer = await AnswerAsync(client);

        Assert.Equal(Range(101, 105), answer.Positions);
        Assert.Equal((ReadStatus.Ok, 106UL, 105UL), (answer.End.Status, answer.End.Next, answer.End.HeadPosition));
    }

    [Fact(Timeout = 30_000)]
    public async Task Read_EventLargerThanAFrame_TooLargeNamingIt()
    {
        (IngestListener listener, FrameConnection client, _) = await StartAsync(Count, maxFrameLength: 1024);
        await using IngestListener server = listener;
        using FrameConnection connection = client;

        await client.SendAsync(FrameBytes.Read(1, ReadSelector.AllForward, 148, 10));
        var answer = await AnswerAsync(client);

        Assert.Equal([148UL, 149], answer.Positions);
        Assert.Equal((ReadStatus.TooLarge, 150UL, 2U), (answer.End.Status, answer.End.Next, answer.End.EventCount));
    }

    [Fact(Timeout = 30_000)]
    public async Task Read_PositionBeyondTheHead_OkWithNoEvents()
    {
        (IngestListener listener, FrameConnection client, _) = await StartAsync(Count);
        await using IngestListener server = listener;
        using FrameConnection connection = client;

        await client.SendAsync(FrameBytes.Read(1, ReadSelector.AllForward, 5000, 10));
        var answer = await AnswerAsync(client);

        Assert.Empty(answer.Positions);
        Assert.Equal((ReadStatus.Ok, 5000UL, 0U), (answer.End.Status, answer.End.Next, answer.End.EventCount));
    }

    private sealed class ReadServingBackend(EventReadService service) : IIngestBackend
    {
        public (ulong LastProducerSequence, ulong HeadSequence) OnHello(ulong producerId) => (0, 0);

        public int TryPublish(IngestConnection connection, ReadOnlySpan<byte> buffer, ReadOnlySpan<Range> bodies) => 0;

        public void OnQuery(IngestConnection connection, in QueryFrame frame) => connection.SendResult(frame.RequestId, 0, ResultStatus.NotFound, "{}");

        public void OnRead(IngestConnection connection, in ReadFrame frame) => service.Start(connection, frame);
    }
}
