using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Pipeline.Peers;

/// <summary>
/// A system the suite measures Pipeline against (Marten on PostgreSQL, Redis Streams, NATS JetStream, or the
/// in-memory fake of the tests): it starts its own server, and opens client connections that append, read and
/// subscribe the way that system's users do with its own client library.
/// </summary>
/// <remarks>
/// One instance per run. <see cref="StartAsync"/> first, then any number of connections; disposing stops the server
/// and leaves its data folder for the run's folder (the suite deletes it).
/// </remarks>
internal interface IPeerSystem : IAsyncDisposable
{
    /// <summary>The system's name in results (<c>marten</c>, <c>redis</c>, <c>nats</c>, ...), with its variant.</summary>
    string Name { get; }

    /// <summary>
    /// The durability and speed settings in force, in one line for the report (e.g. "appendfsync always, aof-use-rdb-preamble
    /// yes"): what a reader needs to judge the comparison.
    /// </summary>
    string Settings { get; }

    /// <summary>
    /// Whether an acknowledged append is on disk (fsynced) before the acknowledgement: the row's durability class next to
    /// Pipeline's Batch (true) or None/Interval (false).
    /// </summary>
    bool FsyncBeforeAck { get; }

    /// <summary>
    /// Appends one connection may have in flight at once (each of up to a batch of events): Marten 1 (PostgreSQL runs a
    /// connection's transactions one after another), pipelining clients more.
    /// </summary>
    int MaxBatchesInFlight { get; }

    /// <summary>
    /// Null when the server's programs are installed; otherwise what is missing and the command that installs it (the
    /// suite prints it and skips the system).
    /// </summary>
    string? Missing();

    /// <summary>Starts the server with its data in <paramref name="dataDirectory"/> (created empty) on a free port, and waits until it serves.</summary>
    /// <exception cref="PeerUnavailableException">The server's program is not installed (the message says which and how to install it).</exception>
    Task StartAsync(string dataDirectory, TextWriter log, CancellationToken cancellationToken);

    /// <summary>Opens one client connection (the <paramref name="index"/>-th of the run).</summary>
    Task<IPeerConnection> ConnectAsync(int index, CancellationToken cancellationToken);
}

/// <summary>One client connection to a peer; used by one task at a time except that appends may overlap up to <see cref="IPeerSystem.MaxBatchesInFlight"/>.</summary>
internal interface IPeerConnection : IAsyncDisposable
{
    /// <summary>
    /// Appends the events, in order, each to its stream; completes when the server has acknowledged every one as the
    /// system's settings make it durable. Throws on any failure (a version conflict included).
    /// </summary>
    Task AppendAsync(ReadOnlyMemory<PeerEvent> events, CancellationToken cancellationToken);

    /// <summary>Reads every event of <paramref name="stream"/> from its start, as that system's users read one stream; returns how many.</summary>
    Task<long> ReadStreamAsync(string stream, CancellationToken cancellationToken);

    /// <summary>Reads the whole store from its start, as a catching-up consumer of that system would; returns how many events.</summary>
    Task<long> ReadAllAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Subscribes to every event appended from now on (live, from the end) and calls <paramref name="onEvent"/> with each
    /// one's <see cref="PeerEvent.Timestamp"/> when it arrives (on any thread, one call at a time). Completes once the
    /// subscription is established; disposing the result ends it.
    /// </summary>
    Task<IAsyncDisposable> SubscribeAsync(Action<long> onEvent, CancellationToken cancellationToken);
}

/// <summary>A peer's server program is missing: the run is skipped, and the message says why and what installs it.</summary>
internal sealed class PeerUnavailableException : Exception
{
    public PeerUnavailableException()
    {
    }

    public PeerUnavailableException(string message)
        : base(message)
    {
    }

    public PeerUnavailableException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
