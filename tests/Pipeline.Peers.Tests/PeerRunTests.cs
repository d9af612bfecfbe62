using System;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Peers;
using Pipeline.Peers.Systems;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Peers.Tests;

// The runners against the in-memory system: what they count, time and write, with no server. Open-loop runs count
// what was sent inside a wall-clock window, so they run alone (not beside the tests that start real servers, which
// took the CPU for the whole window once in CI and left a run with nothing sent in its measured part).
[Collection(PeerTimingCollection.Name)]
public sealed class PeerRunTests : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _out = new();

    public void Dispose() => _out.Dispose();

    private PeerOptions Options(params string[] args)
    {
        Assert.True(PeerOptions.TryParse([.. args, "--out", _out.Path], "/tmp", out PeerOptions options, out string? error), error);
        return options;
    }

    private async Task<(int Code, JsonElement Json, string Console)> RunAsync(PeerOptions options, IPeerSystem system)
    {
        using var cancel = new CancellationTokenSource(s_timeout);
        var console = new StringWriter();
        int code = await PeerRun.RunAsync(options, system, console, TimeProvider.System, cancel.Token).WaitAsync(s_timeout);
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_out.Path, options.Name + ".json")));
        return (code, json.RootElement.Clone(), console.ToString());
    }

    [Fact]
    public async Task Closed_loop_appends_count_every_acknowledged_event_and_write_the_histogram()
    {
        var system = new MemoryPeer();
        (int code, JsonElement json, string console) = await RunAsync(Options("run", "--system", "memory", "--workload", "append", "--duration", "0.5", "--warmup", "0.2"), system);

        Assert.True(code == 0, $"exit code {code}: {json.GetProperty("failure")}");
        Assert.Equal("peer", json.GetProperty("kind").GetString());
        Assert.Equal("closed", json.GetProperty("mode").GetString());
        long acked = json.GetProperty("acked").GetInt64();
        Assert.True(acked > 0);
        Assert.True(system.Count >= acked, "every measured acknowledged event is in the store");
        Assert.Equal(acked, json.GetProperty("latencyUs").GetProperty("count").GetInt64());
        Assert.Equal(16 * 64, json.GetProperty("window").GetInt32());
        Assert.False(json.GetProperty("failed").GetBoolean());
        Assert.True(File.Exists(Path.Combine(_out.Path, "memory-append-closed.hgrm")));
        Assert.Contains("memory-append-closed: memory append:", console, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_loop_acknowledges_every_scheduled_event_of_the_measured_part()
    {
        (int code, JsonElement json, _) = await RunAsync(Options("run", "--system", "memory", "--workload", "append", "--mode", "open", "--rate", "2000", "--duration", "0.5", "--warmup", "0.1"), new MemoryPeer());

        Assert.True(code == 0, $"exit code {code}: {json.GetProperty("failure")}");
        Assert.Equal(1000, json.GetProperty("events").GetInt64());
        Assert.Equal(1000, json.GetProperty("acked").GetInt64());
        Assert.Equal(0, json.GetProperty("unsent").GetInt64());
        Assert.Equal(1000, json.GetProperty("latencyUs").GetProperty("count").GetInt64());
        Assert.Equal(2000, json.GetProperty("targetRate").GetDouble());
    }

    [Fact]
    public async Task A_failing_append_fails_the_run_with_the_reason()
    {
        var system = new MemoryPeer { FailAppends = new InvalidOperationException("version conflict on account-acc-3") };
        (int code, JsonElement json, _) = await RunAsync(Options("run", "--system", "memory", "--workload", "append", "--duration", "0.3", "--warmup", "0"), system);

        Assert.Equal(1, code);
        Assert.True(json.GetProperty("failed").GetBoolean());
        Assert.True(json.GetProperty("errors").GetInt64() > 0);
        Assert.Contains("version conflict on account-acc-3", json.GetProperty("failure").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_fills_the_store_and_finds_exactly_the_probe_streams_1000_events()
    {
        var system = new MemoryPeer();
        (int code, JsonElement json, _) = await RunAsync(Options("run", "--system", "memory", "--workload", "read", "--events", "20000", "--stream-reads", "10", "--repeat", "3"), system);

        Assert.True(code == 0, $"exit code {code}: {json.GetProperty("failure")}");
        Assert.Equal(20_000, system.Count);
        JsonElement read = json.GetProperty("read");
        Assert.Equal(20_000, read.GetProperty("storeEvents").GetInt64());
        Assert.Equal(1000, read.GetProperty("streamEvents").GetInt64());
        Assert.Equal(10, read.GetProperty("streamReadUs").GetProperty("count").GetInt64());
        Assert.Equal(3, read.GetProperty("catchupSeconds").GetArrayLength());
    }

    [Fact]
    public async Task Subscribe_times_every_event_sent_in_the_measured_part()
    {
        (int code, JsonElement json, _) = await RunAsync(Options("run", "--system", "memory", "--workload", "subscribe", "--rate", "2000", "--duration", "1", "--warmup", "0.1"), new MemoryPeer());

        Assert.True(code == 0, $"exit code {code}: {json.GetProperty("failure")}");
        JsonElement subscribe = json.GetProperty("subscribe");
        long appended = subscribe.GetProperty("appended").GetInt64();
        // Timed by actual send time, which the machine's load may shift; never more than the 2,200 scheduled in all.
        Assert.InRange(appended, 1, 2200);
        Assert.Equal(appended, subscribe.GetProperty("delivered").GetInt64());
        Assert.Equal(appended, subscribe.GetProperty("deliveryUs").GetProperty("count").GetInt64());
        Assert.True(File.Exists(Path.Combine(_out.Path, subscribe.GetProperty("hgrm").GetString()!)));
    }

    [Fact]
    public async Task A_subscribe_run_whose_appends_all_fall_after_the_measured_part_fails_instead_of_passing_empty()
    {
        // One append in flight taking 0.5 s: the first is sent in the warm-up and ends after the measured part
        // (0.1-0.3 s), so every event of the measured part is sent after it.
        var system = new MemoryPeer { MaxBatchesInFlight = 1, AppendDelay = TimeSpan.FromMilliseconds(500) };
        (int code, JsonElement json, _) = await RunAsync(Options("run", "--system", "memory", "--workload", "subscribe", "--rate", "50", "--connections", "1", "--duration", "0.2", "--warmup", "0.1"), system);

        Assert.Equal(1, code);
        Assert.Equal(0, json.GetProperty("subscribe").GetProperty("appended").GetInt64());
        Assert.Contains("no event was sent and acknowledged in the measured part", json.GetProperty("failure").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_system_that_is_not_installed_is_skipped_with_the_reason()
    {
        (int code, JsonElement json, string console) = await RunAsync(Options("run", "--system", "memory", "--workload", "append"), new UnavailablePeer());

        Assert.Equal(PeerOptions.NotInstalled, code);
        Assert.Equal("redis-server is not installed: apt-get install redis-server", json.GetProperty("skipped").GetString());
        Assert.Contains("skipped: redis-server is not installed", console, StringComparison.Ordinal);
    }

    private sealed class UnavailablePeer : IPeerSystem
    {
        public string Name => "memory";

        public string Settings => "none";

        public bool FsyncBeforeAck => false;

        public int MaxBatchesInFlight => 1;

        public string? Missing() => "redis-server is not installed: apt-get install redis-server";

        public Task StartAsync(string dataDirectory, TextWriter log, CancellationToken cancellationToken) =>
            throw new PeerUnavailableException(Missing()!);

        public Task<IPeerConnection> ConnectAsync(int index, CancellationToken cancellationToken) => throw new InvalidOperationException("not started");

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PeerTimingCollection
{
    public const string Name = "peer runs timed by the wall clock";
}
