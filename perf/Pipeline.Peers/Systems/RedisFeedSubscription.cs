using System;
using System.Threading;
using System.Threading.Tasks;
using StackExchange.Redis;

namespace Pipeline.Peers.Systems;

/// <summary>
/// A live subscription to <see cref="RedisPeer"/>: a loop of <c>XREAD COUNT n BLOCK ms STREAMS all id</c> on a
/// multiplexer of its own, each call from the last id received.
/// </summary>
/// <remarks>
/// StackExchange.Redis shares one socket between all callers of a multiplexer, so it offers no blocking stream read
/// (a BLOCK would stall every other command queued behind it); its users send XREAD BLOCK through
/// <c>ExecuteAsync</c> on a multiplexer that nothing else uses, which is what this does. The block only decides how
/// long a read waits when the feed is idle: the server answers a blocked XREAD in the event-loop pass that added an
/// entry, so an event is delivered one reply after its append's fsync, not at the end of a polling interval. Entries
/// added while a reply travels are returned at once by the next call.
/// </remarks>
internal sealed class RedisFeedSubscription : IAsyncDisposable
{
    /// <summary>How long one XREAD waits on an idle feed: short enough that disposing ends the loop quickly, well inside the client's 5 s timeout.</summary>
    public const int BlockMilliseconds = 100;

    /// <summary>Entries per XREAD reply at most, so that a backlog comes in bounded replies.</summary>
    public const int ReadCount = 1000;

    // Design: the read loop is the only user of _multiplexer and the only caller of onEvent (so calls never overlap).
    // DisposeAsync cancels _stop, waits for the loop (at most one BLOCK plus a reply), then closes the multiplexer;
    // nothing else is shared.
    private readonly RedisPeer _peer;
    private readonly ConnectionMultiplexer _multiplexer;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    private RedisFeedSubscription(RedisPeer peer, ConnectionMultiplexer multiplexer)
    {
        _peer = peer;
        _multiplexer = multiplexer;
    }

    /// <summary>Opens the subscription: events appended after this completes are delivered to <paramref name="onEvent"/>.</summary>
    public static async Task<RedisFeedSubscription> StartAsync(RedisPeer peer, Action<long> onEvent, CancellationToken cancellationToken)
    {
        ConnectionMultiplexer multiplexer = await peer.ConnectMultiplexerAsync("pipeline-peers-feed", allowAdmin: false, cancellationToken).ConfigureAwait(false);
        peer.AddFeedSubscriber();
        try
        {
            // XREAD's "$" is resolved here, once, to the feed's last id: sending "$" again after a read that timed out
            // would skip whatever was added between the two reads.
            IDatabase database = multiplexer.GetDatabase();
            StreamEntry[] last = await database.StreamRangeAsync(RedisPeer.FeedKey, RedisStreamEntries.Start, RedisStreamEntries.End, 1, Order.Descending)
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            RedisValue from = last.Length == 0 ? "0-0" : last[0].Id;
            var subscription = new RedisFeedSubscription(peer, multiplexer);
            subscription._loop = Task.Run(() => subscription.ReadAsync(database, from, onEvent), CancellationToken.None);
            return subscription;
        }
        catch
        {
            peer.RemoveFeedSubscriber();
            await multiplexer.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Ends the subscription; rethrows what ended the read loop early (a lost connection, a malformed entry).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        finally
        {
            _peer.RemoveFeedSubscriber();
            await _multiplexer.DisposeAsync().ConfigureAwait(false);
            _stop.Dispose();
        }
    }

    private async Task ReadAsync(IDatabase database, RedisValue from, Action<long> onEvent)
    {
        object[] arguments = ["COUNT", ReadCount, "BLOCK", BlockMilliseconds, "STREAMS", new RedisKey(RedisPeer.FeedKey), from];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                RedisResult reply = await database.ExecuteAsync("XREAD", arguments).ConfigureAwait(false);
                arguments[^1] = RedisStreamEntries.ReadFeedReply(reply, (RedisValue)arguments[^1], onEvent);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or FormatException)
        {
            _peer.Log($"redis subscription ended: {ex.GetType().Name}: {ex.Message}");
            throw;
        }
    }
}
