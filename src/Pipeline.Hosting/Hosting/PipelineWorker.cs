using System;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Ingest;
using Pipeline.Protocol;
using Pipeline.Hosting.Configuration;
using Pipeline.Hosting.Engine;

namespace Pipeline.Hosting.Hosting;

/// <summary>
/// The worker service: starts the command pipeline (recovery included) and the ingest port at host start, and
/// stops them gracefully: no new connections, every received PUBLISH acknowledged, SHUTTING_DOWN to each client,
/// drain, fsync, final snapshot.
/// </summary>
// Design: the host calls StartAsync, then StopAsync, on its own thread; ExecuteAsync runs between them on the thread
// pool. _engine and _listener are written by StartAsync before base.StartAsync starts ExecuteAsync, so ExecuteAsync
// and StopAsync see them set. _stopRequested is a cold flag written by StopAsync and read by ExecuteAsync when the
// engine's completion ends: set, the end is the requested shutdown; not set, a stage halted on its own, and the
// worker fails the host (exit code 1) instead of hiding it.
internal sealed class PipelineWorker : BackgroundService
{
    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromSeconds(20);
    private readonly PipelineOptions _options;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly PipelineMetrics _metrics;
    private readonly EngineFactory _factory;
    private IEngine? _engine;
    private IngestListener? _listener;
    private volatile bool _stopRequested;

    /// <summary>The port the ingest listener is bound to, once started (for hosts that configured port 0).</summary>
    internal int Port => _listener?.Port ?? 0;

    public PipelineWorker(IOptions<PipelineOptions> options, ILoggerFactory loggers, PipelineMetrics metrics, EngineFactory factory)
    {
        _factory = factory;
        _options = options.Value;
        _loggers = loggers;
        _logger = loggers.CreateLogger<PipelineWorker>();
        _metrics = metrics;
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Recovery and binding happen here, so a damaged journal or a busy port fails the host's start (exit code != 0).
        _engine = await Task.Run(() => _factory.Start(_options, _loggers, _metrics), cancellationToken).ConfigureAwait(false);
        var ingest = new IngestOptions
        {
            Address = IPAddress.Parse(_options.Ingest.Address),
            Port = _options.Ingest.Port,
            MaxFrameLength = _options.Ingest.MaxFrameLength,
            MaxConnections = _options.Ingest.MaxConnections,
            MaxInFlightPerConnection = _options.Ingest.MaxInFlightPerConnection,
            MaxProtocolVersion = FrameHeader.MaxProtocolVersion, // reads, subscriptions, FETCH, durable consumers, explained rejections
        };
        _listener = new IngestListener(ingest, _engine, _loggers.CreateLogger<IngestListener>());
        try
        {
            _listener.Start();
        }
        catch
        {
            _engine.Dispose();
            throw;
        }

        IEngine engine = _engine;
        IngestListener listener = _listener;
        _metrics.Observe(
            () => engine.Journal.SyncCount,
            () => engine.RingOccupancy,
            () => engine.DurableLag,
            () => listener.ConnectionCount);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _engine!.Completion.WaitAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex) when (!_stopRequested)
        {
            // A stage halted (the journal failed): nothing more can be acknowledged. Log and let the host stop.
            Log.PipelineStopped(_logger, ex, "a stage halted; the service stops");
            Environment.ExitCode = 1;
            throw;
        }

        if (!_stopRequested)
        {
            Environment.ExitCode = 1;
            throw new InvalidOperationException("The pipeline's stages ended without a shutdown request.");
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopRequested = true;
        if (_listener is not null)
        {
            await _listener.StopAsync(s_stopTimeout).ConfigureAwait(false);
        }

        _engine?.Shutdown(s_stopTimeout);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _engine?.Dispose();
        base.Dispose();
    }
}
