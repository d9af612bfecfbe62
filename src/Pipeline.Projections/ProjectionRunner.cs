using System;
using System.Data.Common;
using System.Globalization;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Pipeline.Client;

namespace Pipeline.Projections;

/// <summary>
/// Keeps one projection's tables up to date from a feed of events, with exactly-once effect: the rows of a batch
/// of events and the projection's checkpoint (the position of the last event applied) are written in one database
/// transaction, and events at or below the checkpoint are skipped. A crash at any point leaves the rows and the
/// checkpoint consistent; the next run resumes after the checkpoint.
/// </summary>
/// <remarks>
/// One runner per projection and database at a time (the checkpoint row is not locked against a second runner:
/// on the server, name the subscription after the projection so that a second one is refused, as
/// <c>SubscriptionFeed</c> does). Not thread-safe; <see cref="Position"/> may be read from any thread.
/// </remarks>
// Design: a pump task reads the feed into a small bounded channel, and the apply loop takes whatever is there (up
// to MaxBatchEvents) into one transaction. Batches are thus as large as the backlog: one event per transaction when
// events trickle in (low latency), up to MaxBatchEvents during catch-up (few commits). The channel's bound keeps the
// memory of a runner that falls behind at two batches.
public sealed class ProjectionRunner
{
    /// <summary>The table holding every projection's checkpoint: <c>(projection TEXT PRIMARY KEY, position BIGINT)</c>.</summary>
    public const string CheckpointTable = "pipeline_projection_checkpoints";

    private readonly DbConnection _connection;
    private readonly IProjection _projection;
    private readonly IProjectionFeed _feed;
    private readonly ProjectionRunnerOptions _options;
    private readonly ProjectionDatabase _database;
    private long _position;

    /// <summary>Creates a runner on an open connection.</summary>
    /// <exception cref="ArgumentException">The projection's name is not a valid consumer name, or the connection is not open.</exception>
    public ProjectionRunner(DbConnection connection, SqlDialect dialect, IProjection projection, IProjectionFeed feed, ProjectionRunnerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(projection);
        ArgumentNullException.ThrowIfNull(feed);
        if (connection.State != System.Data.ConnectionState.Open)
        {
            throw new ArgumentException("The connection must be open.", nameof(connection));
        }

        if (!Pipeline.Protocol.ConsumerLimits.TryValidateConsumerName(System.Text.Encoding.UTF8.GetBytes(projection.Name), out string? error))
        {
            throw new ArgumentException($"The projection's name is not usable as a consumer name: {error}", nameof(projection));
        }

        _options = options ?? new ProjectionRunnerOptions();
        _options.Validate();
        _connection = connection;
        _projection = projection;
        _feed = feed;
        _database = new ProjectionDatabase(connection, dialect);
    }

    /// <summary>The checkpoint: the position of the last event whose effect is committed (0 before any).</summary>
    public ulong Position => (ulong)Volatile.Read(ref _position);

    /// <summary>
    /// Creates the tables if needed, reads the checkpoint, then applies the feed's events after it until the feed
    /// ends, <paramref name="cancellationToken"/> is cancelled, or (with <see cref="ProjectionRunnerOptions.StopWhenCaughtUp"/>)
    /// the feed caught up. Returns the checkpoint.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled; everything committed before stays.</exception>
    /// <remarks>A projection or database failure rolls back the batch it happened in and is rethrown; the checkpoint stays before that batch.</remarks>
    public async Task<ulong> RunAsync(CancellationToken cancellationToken = default)
    {
        ulong checkpoint = Initialize();
        Volatile.Write(ref _position, (long)checkpoint);
        var channel = Channel.CreateBounded<FeedItem>(new BoundedChannelOptions(_options.MaxBatchEvents * 2)
        {
            SingleReader = true,
            SingleWriter = true,
        });

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task pump = PumpAsync(checkpoint, channel.Writer, stop.Token);
        try
        {
            ChannelReader<FeedItem> reader = channel.Reader;
            while (await reader.WaitToReadAsync(stop.Token).ConfigureAwait(false))
            {
                bool caughtUp = ApplyBatch(reader);
                if (_options.Committed is { } committed)
                {
                    await committed(Position, stop.Token).ConfigureAwait(false);
                }

                if (caughtUp && _options.StopWhenCaughtUp)
                {
                    break;
                }
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await pump.ConfigureAwait(false);
            }
#pragma warning disable CA1031 // a feed failure completed the channel with it, and the loop above rethrew it already
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }

        return Position;
    }

    private async Task PumpAsync(ulong after, ChannelWriter<FeedItem> writer, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (FeedItem item in _feed.ReadAsync(after, cancellationToken).ConfigureAwait(false))
            {
                await writer.WriteAsync(item, cancellationToken).ConfigureAwait(false);
            }

            writer.TryComplete();
        }
        catch (Exception ex)
        {
            writer.TryComplete(ex);
            throw;
        }
    }

    private ulong Initialize()
    {
        using DbTransaction transaction = _connection.BeginTransaction();
        _database.Transaction = transaction;
        try
        {
            _database.Execute($"CREATE TABLE IF NOT EXISTS {CheckpointTable} (projection TEXT PRIMARY KEY, position BIGINT NOT NULL)");
            _projection.CreateSchema(_database);
            object? stored = _database.Scalar($"SELECT position FROM {CheckpointTable} WHERE projection = @projection", ("@projection", _projection.Name));
            transaction.Commit();
            return stored is null ? 0 : (ulong)Convert.ToInt64(stored, CultureInfo.InvariantCulture);
        }
        finally
        {
            _database.Transaction = null;
        }
    }

    // One transaction: every item at hand (up to the batch size), then the checkpoint. Returns whether the feed said it caught up.
    private bool ApplyBatch(ChannelReader<FeedItem> reader)
    {
        ulong checkpoint = Position;
        ulong next = checkpoint;
        int events = 0;
        bool caughtUp = false;
        using DbTransaction transaction = _connection.BeginTransaction();
        _database.Transaction = transaction;
        try
        {
            while (events < _options.MaxBatchEvents && reader.TryRead(out FeedItem item))
            {
                caughtUp |= item.Kind == FeedItemKind.CaughtUp;
                if (item.Position <= next)
                {
                    continue; // already applied (at-least-once delivery after a reconnect or restart)
                }

                if (item.Kind == FeedItemKind.Event)
                {
                    StoredEvent stored = item.Event ?? throw new InvalidOperationException($"The feed's event item at {item.Position} has no event.");
                    _projection.Apply(_database, stored);
                    events++;
                }

                next = item.Position;
            }

            if (next > checkpoint)
            {
                _database.Execute(
                    $"INSERT INTO {CheckpointTable} (projection, position) VALUES (@projection, @position) ON CONFLICT (projection) DO UPDATE SET position = excluded.position",
                    ("@projection", _projection.Name), ("@position", (long)next));
            }

            transaction.Commit();
        }
        finally
        {
            _database.Transaction = null;
        }

        Volatile.Write(ref _position, (long)next);
        return caughtUp;
    }
}
