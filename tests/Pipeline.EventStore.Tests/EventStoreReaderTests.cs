using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.EventStore.Tests;

public sealed class EventStoreReaderTests : IDisposable
{
    private const int Count = 300;
    private const long BaseTicks = 638_000_000_000_000_000L;
    private static readonly byte[] Deposited = "Deposited"u8.ToArray();
    private static readonly byte[] Withdrawn = "Withdrawn"u8.ToArray();
    private readonly TempDirectory _temp = new();
    private readonly EventLogOptions _options;

    public EventStoreReaderTests()
    {
        // Small segments, so reads cross sealed segments and end in the live one.
        _options = EventLogTestData.Options(_temp.Combine("events"), segmentSizeBytes: 8192);
        using EventLogWriter writer = EventLogWriter.Open(_options);
        Append(writer, 1, Count);
    }

    public void Dispose() => _temp.Dispose();

    // Event n: stream "account-{n % 3}" at version (n - 1) / 3 + 1, type Deposited (even n) or Withdrawn (odd n),
    // producer n % 4, timestamp BaseTicks + n * 10.
    private static byte[] Stream(long n) => Encoding.UTF8.GetBytes("account-" + (n % 3).ToString(CultureInfo.InvariantCulture));

    private static byte[] Type(long n) => n % 2 == 0 ? Deposited : Withdrawn;

    private static long Timestamp(long n) => BaseTicks + (n * 10);

    private static void Append(EventLogWriter writer, long from, int count)
    {
        for (long n = from; n < from + count; n++)
        {
            byte[] payload = Encoding.UTF8.GetBytes("payload-" + n.ToString(CultureInfo.InvariantCulture));
            writer.Append(new EventToAppend(Stream(n), ((n - 1) / 3) + 1, Type(n), 1, payload, n * 2, Timestamp(n), (ulong)(n % 4)) { ExpectedPosition = n });
        }
    }

    private EventStoreReader Reader(long head) => new(new EventLogReader(_options), new EventIndex(_options), new VisibleHead(head));

    private static List<long> Positions(CollectingSink sink) => sink.Events.ConvertAll(e => e.Position);

    private static List<long> Range(long from, long toInclusive, long step = 1)
    {
        var positions = new List<long>();
        for (long p = from; step > 0 ? p <= toInclusive : p >= toInclusive; p += step)
        {
            positions.Add(p);
        }

        return positions;
    }

    [Fact]
    public void ReadForward_FromAPosition_ReturnsMaxCountEventsWithEveryField()
    {
        EventStoreReader reader = Reader(Count);
        var sink = new CollectingSink();

        EventReadResult result = reader.ReadForward(10, 50, sink);

        Assert.Equal(new EventReadResult(EventReadStatus.Ok, 50, 60, Count, false), result);
        Assert.Equal(Range(10, 59), Positions(sink));
        StoredEvent e = sink.Events[0];
        Assert.Equal((10L, 20L, Timestamp(10), 2UL, 4L, (ushort)1), (e.Position, e.CommandSequence, e.TimestampTicks, e.ProducerId, e.StreamVersion, e.SchemaVersion));
        Assert.Equal(("account-1", "Deposited", "payload-10"), (Encoding.UTF8.GetString(e.StreamId), Encoding.UTF8.GetString(e.Type), Encoding.UTF8.GetString(e.Payload)));
    }

    [Fact]
    public void ReadForward_HeadBelowWhatTheFileHolds_StopsAtTheHead()
    {
        EventStoreReader reader = Reader(120);
        var sink = new CollectingSink();

        EventReadResult result = reader.ReadForward(100, 1000, sink);

        Assert.Equal(new EventReadResult(EventReadStatus.Ok, 21, 121, 120, false), result);
        Assert.Equal(Range(100, 120), Positions(sink));
    }

    [Fact]
    public void ReadForward_FromBeyondTheHead_ReturnsNoneAndNextIsTheFrom()
    {
        EventStoreReader reader = Reader(120);
        var sink = new CollectingSink();

        EventReadResult result = reader.ReadForward(200, 10, sink);

        Assert.Equal(new EventReadResult(EventReadStatus.Ok, 0, 200, 120, false), result);
        Assert.Empty(sink.Events);
    }

    [Fact]
    public void ReadForward_HeadAdvances_NextReadSeesTheNewEvents()
    {
        var head = new VisibleHead(50);
        var reader = new EventStoreReader(new EventLogReader(_options), new EventIndex(_options), head);
        var first = new CollectingSink();
        var second = new CollectingSink();

        EventReadResult before = reader.ReadForward(1, 1000, first);
        head.Advance(80);
        EventReadResult after = reader.ReadForward(before.Next, 1000, second);

        Assert.Equal(Range(1, 50), Positions(first));
        Assert.Equal(Range(51, 80), Positions(second));
        Assert.Equal((81L, 80L), (after.Next, after.Head));
    }

    // The engine disposes its reader at shutdown, so an in-process host that stops and starts the engine keeps no
    // index files or segment mappings open.
    [Fact]
    public void Dispose_AfterStreamReads_ClosesTheIndexFilesAndALaterReadStillWorks()
    {
        var index = new EventIndex(_options);
        var reader = new EventStoreReader(new EventLogReader(_options), index, new VisibleHead(Count));
        var first = new CollectingSink();
        reader.ReadStream(Stream(1), 1, 1000, first);
        reader.ReadStream(Stream(1), 1, 1000, new CollectingSink()); // the second read maps the sealed segments
        Assert.True(index.OpenSegmentCount > 0);

        reader.Dispose();

        Assert.Equal((0, 0), (index.OpenSegmentCount, index.MappedSegmentCount));
        var again = new CollectingSink();
        reader.ReadStream(Stream(1), 1, 1000, again);
        Assert.Equal(Positions(first), Positions(again));
        Assert.NotEmpty(Positions(again));
        reader.Dispose();
    }

    [Fact]
    public void ReadForward_SinkRefusesAnEvent_StopsAndNextNamesIt()
    {
        EventStoreReader reader = Reader(Count);
        var sink = new CollectingSink { Capacity = 5 };

        EventReadResult result = reader.ReadForward(1, 100, sink);

        Assert.Equal(new EventReadResult(EventReadStatus.Ok, 5, 6, Count, true), result);
        Assert.Equal(Range(1, 5), Positions(sink));
    }

    [Fact]
    public void ReadBackward_FromAboveTheHead_StartsAtTheHead()
    {
        EventStoreReader reader = Reader(150);
        var sink = new CollectingSink();

        EventReadResult result = reader.ReadBackward(long.MaxValue, 10, sink);

        Assert.Equal(new EventReadResult(EventReadStatus.Ok, 10, 140, 150, false), result);
        Assert.Equal(Range(150, 141, -1), Positions(sink));
    }

    [Fact]
    public void ReadBackward_ToTheStart_NextIsZero()
    {
        EventStoreReader reader = Reader(Count);
        var sink = new CollectingSink();

        EventReadResult result = reader.ReadBackward(5, 100, sink);

        Assert.Equal(new EventReadResult(EventReadStatus.Ok, 5, 0, Count, false), result);
        Assert.Equal(Range(5, 1, -1), Positions(sink));
    }

    [Fact]
    public void ReadBackward_FromZeroOrEmptyStore_ReturnsNone()
    {
        EventStoreReader reader = Reader(Count);
        EventStoreReader empty = Reader(0);
        var sink = new CollectingSink();

        EventReadResult fromZero = reader.ReadBackward(0, 10, sink);
        EventReadResult nothingVisible = empty.ReadBackward(long.MaxValue, 10, sink);

        Assert.Equal(new EventReadResult(EventReadStatus.Ok, 0, 0, Count, false), fromZero);
        Assert.Equal(new EventReadResult(EventReadStatus.Ok, 0, 0, 0, false), nothingVisible);
        Assert.Empty(sink.Events);
    }

    [Fact]
    public void ReadStream_FromAVersion_ReturnsThatStreamInVersionOrder()
    {
        EventStoreReader reader = Reader(Count);
        var sink = new CollectingSink();

        EventReadResult result = reader.ReadStream("account-2"u8, 4, 5, sink);

        // account-2 holds n = 2, 5, 8, ...: version v is n = 3v - 1.
        Assert.Equal(new EventReadResult(EventReadStatus.Ok, 5, 9, Count, false), result);
        Assert.Equal([11L, 14, 17, 20, 23], Positions(sink));
        Assert.Equal([4L, 5, 6, 7, 8], sink.Events.ConvertAll(e => e.StreamVersion));
        Assert.All(sink.Events, e => Assert.Equal("account-2", Encoding.UTF8.GetString(e.StreamId)));
    }

    [Fact]
    public void ReadStream_CappedByTheHead_StopsAtTheHeadAndNextIsTheNextVersion()
    {
        EventStoreReader reader = Reader(20);
        var sink = new CollectingSink();

        EventReadResult result = reader.ReadStream("account-2"u8, 1, 100, sink);

        Assert.Equal([2L, 5, 8, 11, 14, 17, 20], Positions(sink));
        Assert.Equal(new EventReadResult(EventReadStatus.Ok, 7, 8, 20, false), result);
    }

    [Fact]
    public void ReadStream_UnknownStream_ReturnsStreamNotFound()
    {
        EventStoreReader reader = Reader(Count);
        var sink = new CollectingSink();

        EventReadResult result = reader.ReadStream("account-9"u8, 1, 10, sink);

        Assert.Equal(EventReadStatus.StreamNotFound, result.Status);
        Assert.Empty(sink.Events);
    }

    [Fact]
    public void ReadStream_StreamWhoseEventsAreAllAboveTheHead_ReturnsStreamNotFound()
    {
        EventStoreReader reader = Reader(1);
        var sink = new CollectingSink();

        EventReadResult result = reader.ReadStream("account-2"u8, 1, 10, sink);

        Assert.Equal(EventReadStatus.StreamNotFound, result.Status);
        Assert.Empty(sink.Events);
    }

    [Fact]
    public void ReadStream_ExistingStreamPastItsLastVersion_ReturnsOkWithNone()
    {
        EventStoreReader reader = Reader(Count);
        var sink = new CollectingSink();

        EventReadResult result = reader.ReadStream("account-0"u8, 1000, 10, sink);

        Assert.Equal(new EventReadResult(EventReadStatus.Ok, 0, 1000, Count, false), result);
    }

    [Fact]
    public void ReadType_FromAPosition_ReturnsOnlyThatTypeAndNextPastTheHeadWhenExhausted()
    {
        EventStoreReader reader = Reader(200);
        var sink = new CollectingSink();

        EventReadResult result = reader.ReadType("Withdrawn"u8, 151, 1000, sink);

        Assert.Equal(Range(151, 199, 2), Positions(sink));
        Assert.Equal(new EventReadResult(EventReadStatus.Ok, 25, 201, 200, false), result);
    }

    [Fact]
    public void ReadType_MaxCountReached_NextFollowsTheLastEvent()
    {
        EventStoreReader reader = Reader(Count);
        var sink = new CollectingSink();

        EventReadResult result = reader.ReadType("Deposited"u8, 1, 3, sink);

        Assert.Equal([2L, 4, 6], Positions(sink));
        Assert.Equal(new EventReadResult(EventReadStatus.Ok, 3, 7, Count, false), result);
    }

    [Fact]
    public void ReadProducer_FromAPosition_ReturnsOnlyThatProducer()
    {
        EventStoreReader reader = Reader(Count);
        var sink = new CollectingSink();

        EventReadResult result = reader.ReadProducer(3, 100, 10, sink);

        Assert.Equal(Range(103, 139, 4), Positions(sink));
        Assert.All(sink.Events, e => Assert.Equal(3UL, e.ProducerId));
        Assert.Equal(new EventReadResult(EventReadStatus.Ok, 10, 140, Count, false), result);
    }

    [Fact]
    public void ReadProducer_UnknownProducer_ReturnsNoneAndNextPastTheHead()
    {
        EventStoreReader reader = Reader(Count);
        var sink = new CollectingSink();

        EventReadResult result = reader.ReadProducer(77, 1, 10, sink);

        Assert.Equal(new EventReadResult(EventReadStatus.Ok, 0, Count + 1, Count, false), result);
    }

    [Fact]
    public void ReadFromTime_BetweenTwoTimestamps_StartsAtTheFirstEventAtOrAfterIt()
    {
        EventStoreReader reader = Reader(Count);
        var sink = new CollectingSink();

        EventReadResult result = reader.ReadFromTime(Timestamp(123) - 5, 3, sink);

        Assert.Equal([123L, 124, 125], Positions(sink));
        Assert.Equal(new EventReadResult(EventReadStatus.Ok, 3, 126, Count, false), result);
    }

    [Fact]
    public void ReadFromTime_AfterEveryEvent_ReturnsNoneAndNextPastTheHead()
    {
        EventStoreReader reader = Reader(Count);
        var sink = new CollectingSink();

        EventReadResult result = reader.ReadFromTime(Timestamp(Count) + 1, 3, sink);

        Assert.Equal(new EventReadResult(EventReadStatus.Ok, 0, Count + 1, Count, false), result);
    }

    [Fact]
    public void ReadFromTime_FirstMatchAboveTheHead_ReturnsNone()
    {
        EventStoreReader reader = Reader(100);
        var sink = new CollectingSink();

        EventReadResult result = reader.ReadFromTime(Timestamp(250), 3, sink);

        Assert.Equal(new EventReadResult(EventReadStatus.Ok, 0, 250, 100, false), result);
        Assert.Empty(sink.Events);
    }

    [Fact]
    public void Reads_EveryPositionSelector_NeverReturnAnEventAboveTheHead()
    {
        const long Head = 137;
        EventStoreReader reader = Reader(Head);
        var sink = new CollectingSink();

        reader.ReadForward(1, 10_000, sink);
        reader.ReadBackward(long.MaxValue, 10_000, sink);
        reader.ReadStream("account-1"u8, 1, 10_000, sink);
        reader.ReadType("Deposited"u8, 1, 10_000, sink);
        reader.ReadProducer(1, 1, 10_000, sink);
        reader.ReadFromTime(0, 10_000, sink);

        Assert.NotEmpty(sink.Events);
        Assert.True(sink.Events.Max(e => e.Position) == Head);
    }

    [Fact]
    public void ReadForward_BadArguments_Throw()
    {
        EventStoreReader reader = Reader(Count);

        Assert.Throws<ArgumentOutOfRangeException>(() => reader.ReadForward(0, 1, new CollectingSink()));
        Assert.Throws<ArgumentOutOfRangeException>(() => reader.ReadForward(1, -1, new CollectingSink()));
        Assert.Throws<ArgumentException>(() => reader.ReadStream(new byte[256], 1, 1, new CollectingSink()));
        Assert.Throws<ArgumentException>(() => reader.ReadType(default, 1, 1, new CollectingSink()));
    }

    private sealed class CollectingSink : IEventRecordSink
    {
        public List<StoredEvent> Events { get; } = [];

        public int Capacity { get; init; } = int.MaxValue;

        public bool TryAccept(in EventRecord record)
        {
            if (Events.Count == Capacity)
            {
                return false;
            }

            Events.Add(StoredEvent.From(record));
            return true;
        }
    }
}
