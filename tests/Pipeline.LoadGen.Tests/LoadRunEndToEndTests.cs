using System;
using System.IO;
using System.Text.Json;
using System.Threading.Tasks;
using Xunit;

namespace Pipeline.LoadGen.Tests;

/// <summary>The one test that starts the real server: a one-second open-loop run at 2k/s per pacing, bounded at 10 s.</summary>
public sealed class LoadRunEndToEndTests
{
    [Theory]
    [InlineData("shared")]
    [InlineData("spread")]
    public async Task Load_OpenLoopAgainstTheRealServer_WritesAPassingResultAndItsHistogram(string pacing)
    {
        string directory = Path.Combine(Path.GetTempPath(), "loadgen-e2e-" + Guid.NewGuid().ToString("N"));
        Assert.True(LoadGenOptions.TryParse(
            ["load", "--mode", "open", "--rate", "2k", "--duration", "1", "--warmup", "0", "--connections", "2", "--pacing", pacing, "--accounts", "100", "--out", directory, "--name", "e2e"],
            out LoadGenOptions options,
            out string? error), error);
        using var output = new StringWriter();
        try
        {
            int exitCode = await LoadRun.RunAsync(options, output).WaitAsync(TimeSpan.FromSeconds(10));

            Assert.True(exitCode == 0, output.ToString());
            using JsonDocument json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(directory, "e2e.json")));
            JsonElement root = json.RootElement;
            Assert.False(root.GetProperty("failed").GetBoolean());
            Assert.Equal(pacing, root.GetProperty("pacing").GetString());
            Assert.Contains("connections, pacing " + pacing + ", warm-up", output.ToString(), StringComparison.Ordinal);
            Assert.Equal(2_000, root.GetProperty("commands").GetInt64());
            Assert.Equal(2_000, root.GetProperty("acks").GetInt64());
            Assert.Equal(0, root.GetProperty("errors").GetInt64());
            Assert.Equal(2_000, root.GetProperty("latencyUs").GetProperty("count").GetInt64());
            Assert.Equal(2_000, root.GetProperty("serviceUs").GetProperty("count").GetInt64());
            JsonElement cpu = root.GetProperty("machineCpu");
            if (OperatingSystem.IsLinux())
            {
                double shares = cpu.GetProperty("busyPercent").GetDouble() + cpu.GetProperty("idlePercent").GetDouble() + cpu.GetProperty("stealPercent").GetDouble();
                Assert.InRange(shares, 99.9, 100.1);
                Assert.True(cpu.GetProperty("cpus").GetInt32() > 0);
                Assert.Contains("cpu     machine busy ", output.ToString(), StringComparison.Ordinal);
            }
            else
            {
                Assert.Equal(JsonValueKind.Null, cpu.ValueKind);
            }

            Assert.Contains("Total count", await File.ReadAllTextAsync(Path.Combine(directory, "e2e.hgrm")), StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}
