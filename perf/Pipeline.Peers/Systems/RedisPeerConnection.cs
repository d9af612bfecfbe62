using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using StackExchange.Redis;

namespace Pipeline.Peers.Systems;

/// <summary>
/// One client connection to <see cref="RedisPeer"/>: its own <see cref="ConnectionMultiplexer"/>, so one socket, on
/// which overlapping appends and reads are pipelined.
/// </summary>
internal sealed class RedisPeerConnection : IPeerConnection
{
    /// <summary>
    /// Entries per XRANGE reply: a stream is read in pages, as the XRANGE docs show for iterating a stream, large
    /// enough that a stream of the read workload's size (1,000) comes back in one round trip.
    /// </summary>
    internal const int ReadPageSize = 4096;

    /// <summary>Keys per SCAN call while reading the whole store.</summary>
    private const int ScanPageSize = 1000;

    /// <summary>Streams read at once while reading the whole store: their XRANGEs are pipelined on this connection.</summary>
    private const int StreamsInFlight = 64;

    private readonly RedisPeer _peer;
    private readonly ConnectionMultiplexer _multiplexer;
    private readonly IDatabase _database;

    public RedisPeerConnection(RedisPeer peer, ConnectionMultiplexer multiplexer)
    {
        _peer = peer;
        _multiplexer = multiplexer;
        _database = multiplexer.GetDatabase();
    }

    public Task AppendAsync(ReadOnlyMemory<PeerEvent> events, CancellationToken cancellationToken) =>
        Task.WhenAll(Send(events.Span, _peer.HasFeedSubscribers)).WaitAsync(cancellationToken);

    public Task<long> ReadStreamAsync(string stream, CancellationToken cancellationToken) =>
        ReadStreamAsync(new RedisKey(stream), cancellationToken);

    public async Task<long> ReadAllAsync(CancellationToken cancellationToken)
    {
        IServer server = _multiplexer.GetServer(_multiplexer.GetEndPoints()[0]);

        // SCAN may return a key more than once (when the keyspace is rehashed during the scan): each is read once.
        var seen = new HashSet<RedisKey>();
        var reads = new List<Task<long>>(StreamsInFlight);
        long total = 0;
        await foreach (RedisKey key in server.KeysAsync(pattern: RedisPeer.StreamPattern, pageSize: ScanPageSize).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (!seen.Add(key))
            {
                continue;
            }

            reads.Add(ReadStreamAsync(key, cancellationToken));
            if (reads.Count == StreamsInFlight)
            {
                total += await SumAsync(reads).ConfigureAwait(false);
            }
        }

        return total + await SumAsync(reads).ConfigureAwait(false);
    }

    public async Task<IAsyncDisposable> SubscribeAsync(Action<long> onEvent, CancellationToken cancellationToken) =>
        await RedisFeedSubscription.StartAsync(_peer, onEvent, cancellationToken).ConfigureAwait(false);

    public ValueTask DisposeAsync() => _multiplexer.DisposeAsync();

    // Every XADD goes out before the first reply is awaited: the multiplexer pipelines them on the socket, and the
    // server fsyncs whatever one event-loop pass read before it replies to any of it.
    private Task<RedisValue>[] Send(ReadOnlySpan<PeerEvent> events, bool feed)
    {
        var adds = new Task<RedisValue>[feed ? events.Length * 2 : events.Length];
        int n = 0;
        foreach (ref readonly PeerEvent e in events)
        {
            adds[n++] = _database.StreamAddAsync(e.Stream, RedisStreamEntries.Fields(e), default(StreamAddOptions));
            if (feed)
            {
                adds[n++] = _database.StreamAddAsync(RedisPeer.FeedKey, RedisStreamEntries.FeedFields(e), default(StreamAddOptions));
            }
        }

        return adds;
    }

    private async Task<long> ReadStreamAsync(RedisKey key, CancellationToken cancellationToken)
    {
        long count = 0;
        RedisValue from = RedisStreamEntries.Start;
        while (true)
        {
            StreamEntry[] page = await _database.StreamRangeAsync(key, from, RedisStreamEntries.End, ReadPageSize).WaitAsync(cancellationToken).ConfigureAwait(false);
            count += page.Length;
            if (page.Length < ReadPageSize)
            {
                return count;
            }

            from = RedisStreamEntries.After(page[^1].Id);
        }
    }

    private static async Task<long> SumAsync(List<Task<long>> reads)
    {
        long sum = 0;
        foreach (long count in await Task.WhenAll(reads).ConfigureAwait(false))
        {
            sum += count;
        }

        reads.Clear();
        return sum;
    }
}
