using System;
using System.Collections.Generic;
using Pipeline.Client;
using Pipeline.Protocol;

namespace Pipeline.LoadGen.Tests;

/// <summary>
/// One connection to a simulated server: <see cref="Send"/> takes a batch (as the client would), <see cref="AnswerAll"/>
/// acknowledges everything taken so far, in order, to the observer, at whatever time the test's clock shows.
/// </summary>
/// <remarks>Single-threaded: the test drives the pacer, the clock and the answers from one thread.</remarks>
internal sealed class SimulatedServer(ConnectionTracker tracker, IAckObserver observer) : IBatchSender
{
    private readonly Queue<(int Count, long Sent)> _batches = new();
    private ulong _sequence;

    /// <summary>What every command is answered with.</summary>
    public AckStatus Status { get; set; } = AckStatus.Ok;

    public int Batches { get; private set; }

    public List<int> BatchSizes { get; } = [];

    /// <summary>When each batch was sent (the timestamp the pacer passed), in the order of <see cref="BatchSizes"/>.</summary>
    public List<long> SendTimes { get; } = [];

    public int Waiting
    {
        get
        {
            int waiting = 0;
            foreach ((int count, _) in _batches)
            {
                waiting += count;
            }

            return waiting;
        }
    }

    public void Send(ReadOnlySpan<(string Type, ReadOnlyMemory<byte> Payload)> commands, long sentTimestamp)
    {
        tracker.OnSending(commands.Length, sentTimestamp);
        _batches.Enqueue((commands.Length, sentTimestamp));
        Batches++;
        BatchSizes.Add(commands.Length);
        SendTimes.Add(sentTimestamp);
    }

    public void AnswerAll() => Answer(int.MaxValue);

    /// <summary>Answers up to <paramref name="batches"/> of the oldest batches.</summary>
    public void Answer(int batches)
    {
        for (int b = 0; b < batches && _batches.TryDequeue(out (int Count, long Sent) batch); b++)
        {
            for (int i = 0; i < batch.Count; i++)
            {
                observer.OnAck(batch.Sent, i, ++_sequence, Status, Status == AckStatus.Ok ? default : "why"u8);
            }
        }
    }
}
