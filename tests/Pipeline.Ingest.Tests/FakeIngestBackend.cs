using System;
using System.Collections.Generic;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Ingest;
using Pipeline.Protocol;
using Pipeline.Testing;

namespace Pipeline.Ingest.Tests;

/// <summary>
/// An engine stand-in: records what the connections hand over, takes as much as <see cref="Take"/> allows, and
/// acknowledges inline (<see cref="AutoAck"/>) or when the test says (<see cref="AckNext"/>). Counters are
/// <see cref="CountSignal"/>s, so tests wait for them instead of sleeping.
/// </summary>
/// <remarks>Thread-safe: connections call it on their threads while the test thread acks and reads.</remarks>
internal sealed class FakeIngestBackend : IIngestBackend
{
    private readonly object _gate = new();
    private readonly List<(ulong ProducerSequence, string Type, ushort SchemaVersion, byte[] Payload)> _taken = [];
    private readonly List<(int Offered, ulong FirstProducerSequence, int Taken)> _offers = [];
    private readonly Queue<(IngestConnection Connection, ulong ProducerSequence)> _unacknowledged = new();
    private readonly List<(ulong RequestId, string Name, ulong MinSequence, string Args)> _queries = [];
    private readonly List<ulong> _hellos = [];
    private readonly List<(ulong RequestId, ReadSelector Selector, ulong From, uint MaxCount, ulong MinSequence, ulong ProducerId, string Key)> _reads = [];
    private ulong _nextSequence;
    private int _maxInFlightSeen;
    private int _maxPendingOutputSeen;
    private (int Bytes, TaskCompletionSource Done)? _pendingOutputWaiter;

    /// <summary>What OnHello answers.</summary>
    public (ulong LastProducerSequence, ulong HeadSequence) HelloAnswer { get; init; }

    /// <summary>Set: OnHello blocks until it is set (bounded), so the test can fill the socket before the connection reads on.</summary>
    public ManualResetEventSlim? HelloGate { get; init; }

    /// <summary>Acknowledge each frame as it is taken (SendAck, then Flush), like an engine that is never behind.</summary>
    public bool AutoAck { get; init; } = true;

    /// <summary>The ACK detail of every frame.</summary>
    public string AckDetail { get; init; } = string.Empty;

    /// <summary>Flush with <see cref="IngestConnection.FlushInline"/> (as the server's ack stage) instead of <see cref="IngestConnection.Flush"/>.</summary>
    public bool InlineFlush { get; init; }

    /// <summary>How many of an offer to take, given the call number (0-based) and the offered count; 0 = the ring is full.</summary>
    public Func<int, int, int> Take { get; init; } = (_, offered) => offered;

    /// <summary>Answers each query from OnQuery's thread, or leaves it to the test when null.</summary>
    public Func<(ulong RequestId, string Name, ulong MinSequence, string Args), (ulong Sequence, ResultStatus Status, string Body)>? Answer { get; init; }

    /// <summary>Ends each READ from OnRead's thread with READ_END OK (next = from, head 0), unless false: then the test ends them.</summary>
    public bool EndReads { get; init; } = true;

    /// <summary>READ frames received.</summary>
    public CountSignal Reads { get; } = new();

    /// <summary>Frames taken.</summary>
    public CountSignal Taken { get; } = new();

    /// <summary>TryPublish calls.</summary>
    public CountSignal Offers { get; } = new();

    /// <summary>Queries received.</summary>
    public CountSignal Queries { get; } = new();

    /// <summary>The connection of the latest READ (for an end from the test).</summary>
    public IngestConnection? LastReadConnection { get; private set; }

    /// <summary>The connection of the latest query (for an answer from the test).</summary>
    public IngestConnection? LastQueryConnection { get; private set; }

    /// <summary>The largest <see cref="IngestConnection.InFlight"/> seen when a run was offered (it includes the run).</summary>
    public int MaxInFlightSeen => Volatile.Read(ref _maxInFlightSeen);

    /// <summary>The largest <see cref="IngestConnection.PendingOutputBytes"/> seen after acknowledging.</summary>
    public int MaxPendingOutputSeen => Volatile.Read(ref _maxPendingOutputSeen);

    public List<(ulong ProducerSequence, string Type, ushort SchemaVersion, byte[] Payload)> TakenFrames()
    {
        lock (_gate)
        {
            return [.. _taken];
        }
    }

    public List<(int Offered, ulong FirstProducerSequence, int Taken)> OfferLog()
    {
        lock (_gate)
        {
            return [.. _offers];
        }
    }

    public List<(ulong RequestId, string Name, ulong MinSequence, string Args)> ReceivedQueries()
    {
        lock (_gate)
        {
            return [.. _queries];
        }
    }

    public List<(ulong RequestId, ReadSelector Selector, ulong From, uint MaxCount, ulong MinSequence, ulong ProducerId, string Key)> ReceivedReads()
    {
        lock (_gate)
        {
            return [.. _reads];
        }
    }

    public void OnRead(IngestConnection connection, in ReadFrame frame)
    {
        lock (_gate)
        {
            LastReadConnection = connection;
            _reads.Add((frame.RequestId, frame.Selector, frame.From, frame.MaxCount, frame.MinSequence, frame.ProducerId, Encoding.UTF8.GetString(frame.Key)));
        }

        if (EndReads)
        {
            connection.SendReadEnd(frame.RequestId, ReadStatus.Ok, frame.From, 0, 0, string.Empty);
        }

        Reads.Add();
    }

    public List<ulong> Hellos()
    {
        lock (_gate)
        {
            return [.. _hellos];
        }
    }

    public (ulong LastProducerSequence, ulong HeadSequence) OnHello(ulong producerId)
    {
        lock (_gate)
        {
            _hellos.Add(producerId);
        }

        if (HelloGate is { } gate && !gate.Wait(TestTimeouts.Default))
        {
            throw new TimeoutException("The test did not open the HELLO gate.");
        }

        return HelloAnswer;
    }

    public int TryPublish(IngestConnection connection, ReadOnlySpan<byte> buffer, ReadOnlySpan<Range> bodies)
    {
        Max(ref _maxInFlightSeen, connection.InFlight);
        int taken;
        lock (_gate)
        {
            ulong firstProducerSequence = ClientFrames.TryParsePublish(buffer[bodies[0]], out PublishFrame first) ? first.ProducerSequence : 0;
            taken = Math.Clamp(Take(_offers.Count, bodies.Length), 0, bodies.Length);
            _offers.Add((bodies.Length, firstProducerSequence, taken));
            for (int i = 0; i < taken; i++)
            {
                if (!ClientFrames.TryParsePublish(buffer[bodies[i]], out PublishFrame frame))
                {
                    throw new InvalidOperationException("The connection handed over a malformed PUBLISH.");
                }

                _taken.Add((frame.ProducerSequence, Encoding.UTF8.GetString(frame.Type), frame.SchemaVersion, frame.Payload.ToArray()));
                _unacknowledged.Enqueue((connection, frame.ProducerSequence));
            }
        }

        Offers.Add();
        if (AutoAck && taken > 0)
        {
            AckNext(taken);
        }

        Taken.Add(taken);
        return taken;
    }

    /// <summary>Acknowledges the oldest <paramref name="count"/> taken frames, in order (sequence 1, 2, ... across all), then flushes.</summary>
    public void AckNext(int count)
    {
        var touched = new HashSet<IngestConnection>();
        lock (_gate)
        {
            for (int i = 0; i < count; i++)
            {
                (IngestConnection connection, ulong producerSequence) = _unacknowledged.Dequeue();
                connection.SendAck(producerSequence, ++_nextSequence, AckStatus.Ok, AckDetail);
                touched.Add(connection);
            }
        }

        foreach (IngestConnection connection in touched)
        {
            if (InlineFlush)
            {
                connection.FlushInline();
            }
            else
            {
                connection.Flush();
            }

            int pending = connection.PendingOutputBytes;
            Max(ref _maxPendingOutputSeen, pending);
            lock (_gate)
            {
                if (_pendingOutputWaiter is { } waiter && pending >= waiter.Bytes)
                {
                    waiter.Done.TrySetResult();
                    _pendingOutputWaiter = null;
                }
            }
        }
    }

    /// <summary>Completes once, right after an acknowledgement, a connection has at least <paramref name="bytes"/> waiting to be sent.</summary>
    public Task WaitForPendingOutputAsync(int bytes)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _pendingOutputWaiter = (bytes, done);
        }

        return done.Task.WaitAsync(TestTimeouts.Default);
    }

    public void OnQuery(IngestConnection connection, in QueryFrame frame)
    {
        var query = (frame.RequestId, Encoding.UTF8.GetString(frame.Name), frame.MinSequence, Encoding.UTF8.GetString(frame.Args));
        lock (_gate)
        {
            _queries.Add(query);
            LastQueryConnection = connection;
        }

        if (Answer is { } answer)
        {
            (ulong sequence, ResultStatus status, string body) = answer(query);
            connection.SendResult(query.RequestId, sequence, status, body);
        }

        Queries.Add();
    }

    private static void Max(ref int field, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref field)) && Interlocked.CompareExchange(ref field, value, current) != current)
        {
        }
    }
}
