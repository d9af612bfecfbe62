using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json.Serialization;
using System.Threading.Tasks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipeline.Application;
using Pipeline.Client;
using Pipeline.Hosting;
using Pipeline.Hosting.Hosting;
using Pipeline.Protocol;
using Pipeline.Schemas;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Server.IntegrationTests.SecondApplication;

/// <summary>
/// The counters with published, closed schemas: under Pipeline:Schemas:Validation=All a payload the lenient decoder
/// takes but its schema refuses is REJECTED malformed_payload with the member's path, and the restart's replay
/// refuses it again; under Rejections the decoder alone judges.
/// </summary>
public sealed class PublishedSchemaTests : IDisposable
{
    private static readonly TimeSpan s_step = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private async Task<(IHost Host, int Port)> StartAsync(CounterApplication app, string validation)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Pipeline:DataDirectory"] = _data.Path,
            ["Pipeline:Ingest:Port"] = "0",
            ["Pipeline:Journal:SegmentSizeBytes"] = "8388608",
            ["Pipeline:Schemas:Validation"] = validation,
        });
        builder.Logging.ClearProviders();
        builder.Services.AddPipeline(builder.Configuration).AddApplication(app);
        IHost host = builder.Build();
        try
        {
            await host.StartAsync().WaitAsync(s_step);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return (host, host.Services.GetServices<IHostedService>().OfType<PipelineWorker>().Single().Port);
    }

    private static async Task StopAsync(IHost host)
    {
        await host.StopAsync().WaitAsync(s_step);
        host.Dispose();
    }

    private static async Task<Ack[]> SendAllAsync(int port, params (string Type, string Json)[] commands)
    {
        await using PipelineClient client = await PipelineClient.ConnectAsync(new PipelineClientOptions { Port = port, ProtocolVersion = FrameHeader.MaxProtocolVersion }).WaitAsync(s_step);
        var acks = new Ack[commands.Length];
        for (int i = 0; i < commands.Length; i++)
        {
            acks[i] = await client.PublishAsync(commands[i].Type, Encoding.UTF8.GetBytes(commands[i].Json)).WaitAsync(s_step);
        }

        return acks;
    }

    private static async Task<string> ValueAsync(int port, string counter, ulong sequence)
    {
        await using PipelineClient client = await PipelineClient.ConnectAsync(new PipelineClientOptions { Port = port }).WaitAsync(s_step);
        QueryResult result = await client.QueryAsync("counter.value", "{\"counter\":\"" + counter + "\"}", sequence).WaitAsync(s_step);
        return result.Body;
    }

    [Fact(Timeout = 120_000)]
    public async Task All_APayloadTheDecoderTakesButTheSchemaRefuses_IsRejectedWithThePath_AndStaysRejectedOnReplay()
    {
        (IHost host, int port) = await StartAsync(new PublishedCounterApplication(), "All");
        Ack[] acks = await SendAllAsync(
            port,
            ("counter.add", """{"counter":"x","by":3}"""),
            ("counter.add", """{"counter":"x","by":4,"note":"extra"}"""), // the decoder ignores note; the closed schema does not
            ("counter.add", """{"counter":"x","by":"5"}"""), // both refuse: the decoder's code, the schema's path
            ("counter.reset", """{"counter":"x","by":1}"""));

        Assert.Equal(
            [(AckStatus.Ok, ""), (AckStatus.Rejected, "malformed_payload $.note: not a member of this object (additionalProperties is false)"),
             (AckStatus.Rejected, "malformed_payload $.by: expected integer, got string"), (AckStatus.Rejected, "malformed_payload $.by: not a member of this object (additionalProperties is false)")],
            acks.Select(a => (a.Status, a.Detail)).ToArray());
        Assert.Equal("""{"counter":"x","value":3}""", await ValueAsync(port, "x", acks[^1].Sequence));
        await StopAsync(host);

        // Without snapshots the restart replays the whole journal through the same check: the same value.
        foreach (string snapshot in System.IO.Directory.GetFiles(System.IO.Path.Combine(_data.Path, "snapshots")))
        {
            System.IO.File.Delete(snapshot);
        }

        (host, port) = await StartAsync(new PublishedCounterApplication(), "All");
        Assert.Equal("""{"counter":"x","value":3}""", await ValueAsync(port, "x", acks[^1].Sequence));
        await StopAsync(host);
    }

    [Fact(Timeout = 120_000)]
    public async Task Rejections_TheDecoderAloneJudges_ItsRefusalsAreExplained()
    {
        (IHost host, int port) = await StartAsync(new PublishedCounterApplication(), "Rejections");
        Ack[] acks = await SendAllAsync(
            port,
            ("counter.add", """{"counter":"x","by":4,"note":"extra"}"""),
            ("counter.add", """{"counter":"x","by":"5"}"""));

        Assert.Equal([(AckStatus.Ok, ""), (AckStatus.Rejected, "malformed_payload $.by: expected integer, got string")], acks.Select(a => (a.Status, a.Detail)).ToArray());
        await StopAsync(host);
    }

    [Fact(Timeout = 120_000)]
    public async Task Off_NothingIsExplained()
    {
        (IHost host, int port) = await StartAsync(new PublishedCounterApplication(), "Off");
        Ack[] acks = await SendAllAsync(port, ("counter.add", """{"counter":"x","by":"5"}"""));

        Assert.Equal((AckStatus.Rejected, "malformed_payload"), (acks[0].Status, acks[0].Detail));
        await StopAsync(host);
    }

    [Fact(Timeout = 120_000)]
    public async Task Start_AnAcceptedVersionWithoutASchema_FailsNamingIt()
    {
        Exception failure = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(new HalfPublishedCounterApplication(), "All"));

        Assert.Contains("counter.reset version 1", failure.ToString(), StringComparison.Ordinal);
    }

    private sealed class PublishedCounterApplication : CounterApplication, ICommandSchemas
    {
        public SchemaRegistry Schemas { get; } = new SchemaRegistry()
            .Register("counter.add", 1, typeof(AddV1))
            .Register("counter.reset", 1, typeof(ResetV1));
    }

    private sealed class HalfPublishedCounterApplication : CounterApplication, ICommandSchemas
    {
        public SchemaRegistry Schemas { get; } = new SchemaRegistry().Register("counter.add", 1, typeof(AddV1));
    }

    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    private sealed record AddV1([property: JsonPropertyName("counter")] string Counter, [property: JsonPropertyName("by")] long By);

    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    private sealed record ResetV1([property: JsonPropertyName("counter")] string Counter);
}
