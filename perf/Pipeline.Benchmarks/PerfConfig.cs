using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters.Csv;
using BenchmarkDotNet.Jobs;
using Perfolizer.Horology;

namespace Pipeline.Benchmarks;

/// <summary>
/// A short job so that the whole micro suite finishes in minutes on 2 cores: one launch, a few warm-ups, a few
/// iterations of ~250 ms, one invocation per unroll (an invocation is a million events). The job is the default
/// job, so BDN's own options (--iterationCount, --warmupCount, --launchCount, --job) still override it.
/// </summary>
internal static class PerfConfig
{
    public static IConfig Create(bool quick)
    {
        Job job = Job.Default
            .WithId(quick ? "Quick" : "Short")
            .WithLaunchCount(1)
            .WithWarmupCount(quick ? 1 : 3)
            .WithIterationCount(quick ? 3 : 7)
            .WithIterationTime(TimeInterval.FromMilliseconds(quick ? 100 : 250))
            .WithUnrollFactor(1)
            .AsDefault();

        return ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(job)
            .AddColumn(new EventsPerSecondColumn())
            .AddColumn(StatisticColumn.Median)
            .AddExporter(CsvMeasurementsExporter.Default)
            .WithOption(ConfigOptions.DisableOptimizationsValidator, false);
    }
}
