using System;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Application;
using Pipeline.Hosting.Configuration;
using Pipeline.Hosting.Engine;
using Pipeline.Hosting.Hosting;
using Pipeline.Journal.Snapshots;

namespace Pipeline.Hosting;

/// <summary>Registers the Pipeline worker service on the Generic Host.</summary>
/// <example>
/// <code>
/// HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
/// builder.Services.AddPipeline(builder.Configuration).AddApplication(new MyApplication());
/// await builder.Build().RunAsync();
/// </code>
/// </example>
public static class PipelineServiceCollectionExtensions
{
    /// <summary>
    /// Adds the worker service (ingest port, journal, event store, snapshots), configured from the
    /// <c>Pipeline</c> section of <paramref name="configuration"/> (docs/configuration.md), validated at start.
    /// Call <see cref="PipelineRegistration.AddApplication{TState, TCommand, TEvent}"/> on the result.
    /// </summary>
    public static PipelineRegistration AddPipeline(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton<PipelineMetrics>();
        services.AddSingleton<IValidateOptions<PipelineOptions>, PipelineOptionsValidator>();
        services.AddOptions<PipelineOptions>()
            .Bind(configuration.GetSection(PipelineOptions.Section), o => o.ErrorOnUnknownConfiguration = true)
            .ValidateOnStart();
        services.AddHostedService<PipelineWorker>();
        return new PipelineRegistration(services);
    }
}

/// <summary>The second half of the registration: the application the worker hosts.</summary>
public sealed class PipelineRegistration
{
    private readonly IServiceCollection _services;

    internal PipelineRegistration(IServiceCollection services)
    {
        _services = services;
    }

    /// <summary>Hosts <paramref name="application"/>: its commands are accepted on the ingest port, its events stored and its queries answered.</summary>
    /// <exception cref="InvalidOperationException">An application is registered already (one per worker).</exception>
    public IServiceCollection AddApplication<TState, TCommand, TEvent>(IApplication<TState, TCommand, TEvent> application)
        where TState : class, ISnapshotable
    {
        ArgumentNullException.ThrowIfNull(application);
        foreach (ServiceDescriptor descriptor in _services)
        {
            if (descriptor.ServiceType == typeof(EngineFactory))
            {
                throw new InvalidOperationException("An application is registered already: a worker hosts one application.");
            }
        }

        _services.AddSingleton(new EngineFactory((options, loggers, metrics) =>
            CommandPipeline<IApplication<TState, TCommand, TEvent>, TState, TCommand, TEvent>.Start(application, options, loggers, metrics)));
        return _services;
    }
}

/// <summary>Starts the engine of the registered application (recovery included).</summary>
internal sealed class EngineFactory(Func<PipelineOptions, ILoggerFactory, PipelineMetrics, IEngine> start)
{
    public IEngine Start(PipelineOptions options, ILoggerFactory loggers, PipelineMetrics metrics) => start(options, loggers, metrics);
}
