using System.IO;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.PerfReport.Tests;

public sealed class BenchmarkReaderTests
{
    // The columns BenchmarkDotNet's default CSV exporter writes (abridged job characteristics), units in the cells;
    // Events/s is this repository's custom column, which BDN places before Mean like a parameter.
    internal const string Csv = """
        Method,Job,AnalyzeLaunchVariance,IterationCount,LaunchCount,UnrollFactor,WarmupCount,Size,Events/s,Mean,Error,StdDev,Gen0,Allocated
        Ring,Short,False,7,1,1,3,1024,"810,000,000","1,234.50 μs",10.2 μs,3.1 μs,-,0 B
        Channel,Short,False,7,1,1,3,1024,"81,300,000",12.30 ms,0.2 ms,0.1 ms,1000.0000,1.5 KB

        """;

    [Fact]
    public void ReadCsv_DefaultExporter_ReadsMethodParametersMeanAndAllocated()
    {
        var results = BenchmarkReader.ReadCsv(Csv, "OneToOneBenchmarks");

        Assert.Equal(2, results.Count);
        Assert.Equal("OneToOneBenchmarks.Ring(Size=1024)", results[0].DisplayName);
        Assert.Equal("1,234.50 μs", results[0].Mean);
        Assert.Equal(1_234_500, results[0].MeanNs);
        Assert.Equal(0, results[0].AllocatedBytes);
        Assert.Equal(12_300_000, results[1].MeanNs!.Value, 3);
        Assert.Equal(1536, results[1].AllocatedBytes);
    }

    [Fact]
    public void ReadDirectory_FullJsonNextToCsv_PrefersTheJson()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.Combine("Pipeline.Benchmarks.OneToOneBenchmarks-report.csv"), Csv);
        File.WriteAllText(temp.Combine("Pipeline.Benchmarks.OneToOneBenchmarks-report-full.json"), """
            {"Title": "x", "Benchmarks": [
              {"Namespace": "Pipeline.Benchmarks", "Type": "OneToOneBenchmarks", "Method": "Ring", "Parameters": "Size=1024&Mode=A",
               "Statistics": {"Mean": 1500.25}, "Memory": {"BytesAllocatedPerOperation": 48}}]}
            """);

        var results = BenchmarkReader.ReadDirectory(temp.Path);

        BenchmarkResult only = Assert.Single(results);
        Assert.Equal("OneToOneBenchmarks.Ring(Size=1024, Mode=A)", only.DisplayName);
        Assert.Equal(1500.25, only.MeanNs);
        Assert.Equal("1.50 μs", only.Mean);
        Assert.Equal("48 B", only.Allocated);
    }

    [Theory]
    [InlineData("12.5 ns", 12.5)]
    [InlineData("3 us", 3000.0)]
    [InlineData("2.000 s", 2e9)]
    [InlineData("NA", null)]
    [InlineData("-", null)]
    public void ParseTimeNs_UnitsOfBenchmarkDotNet_AreNanoseconds(string text, double? ns)
    {
        Assert.Equal(ns, BenchmarkReader.ParseTimeNs(text));
    }
}
