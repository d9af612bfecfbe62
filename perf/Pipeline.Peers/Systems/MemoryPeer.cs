using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Pipeline.Peers.Systems;

/// <summary>
/// An in-process store with the peers' contract and no server: the runners' tests use it, and a dry run of the
/// suite's peers stage checks the plumbing with it. Appends complete asynchronously (a yield), so overlapping
/// appends and subscriber calls interleave as with a real client.
/// </summary>
internal sealed class MemoryPeer : IPeerSystem
{
    private readonly Lock _gate = new();
    private readonly List<PeerEvent> _all = [];
    private readonly Dictionary<string, List<int>> _streams = [];
    private readonly List<Action<long>> _subscribers = [];

    public string Name => "memory";

    public string Settings => "in-process list, no server, no disk";

    public bool FsyncBeforeAck => false;

    public int MaxBatchesInFlight { get; init; } = 16;

    /// <summary>How long each append takes (tests of a system that falls behind); zero: a yield.</summary>
    public TimeSpan AppendDelay { get; init; }

    /// <summary>When set, every append throws this (tests of failure handling).</summary>
    public Exception? FailAppends { get; set; }

    public string? Missing() => null;

    public Task StartAsync(string dataDirectory, TextWriter log, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dataDirectory);
        return Task.CompletedTask;
    }

    public Task<IPeerConnection> ConnectAsync(int index, CancellationToken cancellationToken) =>
        Task.FromResult<IPeerConnection>(new Connection(this));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Events stored so far.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _all.Count;
            }
        }
    }

    private sealed class Connection(MemoryPeer peer) : IPeerConnection
    {
        public async Task AppendAsync(ReadOnlyMemory<PeerEvent> events, CancellationToken cancellationToken)
        {
            if (peer.AppendDelay > TimeSpan.Zero)
            {
                await Task.Delay(peer.AppendDelay, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await Task.Yield();
            }

            if (peer.FailAppends is { } failure)
            {
                throw failure;
            }

            Action<long>[] subscribers;
            lock (peer._gate)
            {
                foreach (PeerEvent e in events.Span)
                {
                    if (!peer._streams.TryGetValue(e.Stream, out List<int>? positions))
                    {
                        positions = [];
                        peer._streams.Add(e.Stream, positions);
                    }

                    positions.Add(peer._all.Count);
                    peer._all.Add(e);
                }

                subscribers = [.. peer._subscribers];
            }

            foreach (Action<long> subscriber in subscribers)
            {
                lock (subscriber)
                {
                    foreach (PeerEvent e in events.Span)
                    {
                        subscriber(e.Timestamp);
                    }
                }
            }
        }

        public Task<long> ReadStreamAsync(string stream, CancellationToken cancellationToken)
        {
            lock (peer._gate)
            {
                return Task.FromResult(peer._streams.TryGetValue(stream, out List<int>? positions) ? (long)positions.Count : 0L);
            }
        }

        public Task<long> ReadAllAsync(CancellationToken cancellationToken)
        {
            lock (peer._gate)
            {
                return Task.FromResult((long)peer._all.Count);
            }
        }

        public Task<IAsyncDisposable> SubscribeAsync(Action<long> onEvent, CancellationToken cancellationToken)
        {
            lock (peer._gate)
            {
                peer._subscribers.Add(onEvent);
            }

            return Task.FromResult<IAsyncDisposable>(new Unsubscribe(peer, onEvent));
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class Unsubscribe(MemoryPeer peer, Action<long> onEvent) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            lock (peer._gate)
            {
                peer._subscribers.Remove(onEvent);
            }

            return ValueTask.CompletedTask;
        }
    }
}
