using System.IO;
using Pipeline.Peers;
using Xunit;

namespace Pipeline.Peers.Tests;

public class PeerOptionsTests
{
    private static PeerOptions Parse(params string[] args)
    {
        Assert.True(PeerOptions.TryParse(args, "/tmp", out PeerOptions options, out string? error), error);
        return options;
    }

    private static string Fails(params string[] args)
    {
        Assert.False(PeerOptions.TryParse(args, "/tmp", out _, out string? error));
        Assert.NotNull(error);
        return error!;
    }

    [Fact]
    public void Closed_append_takes_the_systems_batch_and_names_itself()
    {
        PeerOptions options = Parse("run", "--system", "redis", "--workload", "append", "--mode", "closed", "--out", "r");
        Assert.Equal(PeerWorkloadKind.Append, options.Workload);
        Assert.False(options.OpenLoop);
        Assert.Equal(64, options.Batch);
        Assert.Equal("redis-append-closed", options.Name);
        Assert.Equal(Path.GetFullPath("r", "/tmp"), options.OutDirectory);
    }

    [Fact]
    public void Marten_appends_one_command_per_session_and_the_batch_variant_64()
    {
        Assert.Equal(1, Parse("run", "--system", "marten", "--workload", "append", "--out", "r").Batch);
        Assert.Equal(64, Parse("run", "--system", "marten-batch", "--workload", "append", "--out", "r").Batch);
        Assert.Equal(64, Parse("run", "--system", "marten-batch", "--workload", "append", "--mode", "open", "--rate", "1k", "--out", "r").Batch);
    }

    [Fact]
    public void Open_loop_takes_up_to_the_systems_batch_and_names_the_rate()
    {
        PeerOptions options = Parse("run", "--system", "nats", "--workload", "append", "--mode", "open", "--rate", "50k", "--out", "r");
        Assert.True(options.OpenLoop);
        Assert.Equal(50_000, options.Rate);
        Assert.Equal(64, options.Batch);
        Assert.Equal(1, Parse("run", "--system", "marten", "--workload", "append", "--mode", "open", "--rate", "1k", "--out", "r").Batch);
        Assert.Equal("nats-append-open-50k", options.Name);
    }

    [Fact]
    public void Subscribe_is_open_loop()
    {
        PeerOptions options = Parse("run", "--system", "memory", "--workload", "subscribe", "--rate", "10k", "--out", "r");
        Assert.True(options.OpenLoop);
        Assert.Equal("memory-subscribe-10k", options.Name);
    }

    [Theory]
    [InlineData("unknown verb 'go'", "go")]
    [InlineData("--system is required", "run", "--workload", "append", "--out", "r")]
    [InlineData("unknown system 'kafka'", "run", "--system", "kafka", "--out", "r")]
    [InlineData("--out is required", "run", "--system", "redis")]
    [InlineData("--rate is required", "run", "--system", "redis", "--workload", "append", "--mode", "open", "--out", "r")]
    [InlineData("--rate needs --mode open", "run", "--system", "redis", "--workload", "append", "--rate", "5k", "--out", "r")]
    [InlineData("--rate is required", "run", "--system", "redis", "--workload", "subscribe", "--out", "r")]
    [InlineData("do not apply to the read workload", "run", "--system", "redis", "--workload", "read", "--mode", "open", "--out", "r")]
    [InlineData("--mode closed does not apply", "run", "--system", "redis", "--workload", "subscribe", "--mode", "closed", "--rate", "1k", "--out", "r")]
    [InlineData("--workload must be append, read or subscribe", "run", "--system", "redis", "--workload", "write", "--out", "r")]
    [InlineData("--batch (128) must not exceed --window (64)", "run", "--system", "redis", "--workload", "append", "--window", "64", "--batch", "128", "--out", "r")]
    [InlineData("--events must be a whole number from 10000", "run", "--system", "redis", "--workload", "read", "--events", "5", "--out", "r")]
    [InlineData("--duration must be a number of seconds above 0", "run", "--system", "redis", "--duration", "0", "--out", "r")]
    [InlineData("--connections must be a whole number from 1 to 256", "run", "--system", "redis", "--connections", "x", "--out", "r")]
    [InlineData("--accounts must be at least --connections", "run", "--system", "redis", "--connections", "16", "--accounts", "8", "--out", "r")]
    [InlineData("option --out needs a value", "run", "--system", "redis", "--out")]
    [InlineData("unknown option '--colour'", "run", "--system", "redis", "--colour", "red")]
    [InlineData("option --workload does not apply to the check verb", "check", "--system", "redis", "--workload", "read")]
    [InlineData("--rate must be a positive number", "run", "--system", "redis", "--mode", "open", "--rate", "-5", "--out", "r")]
    public void Bad_command_lines_name_the_problem(string expected, params string[] args) =>
        Assert.Contains(expected, Fails(args));

    [Fact]
    public void Help_is_not_an_error()
    {
        Assert.True(PeerOptions.TryParse(["--help"], "/tmp", out PeerOptions options, out _));
        Assert.True(options.Help);
    }
}
