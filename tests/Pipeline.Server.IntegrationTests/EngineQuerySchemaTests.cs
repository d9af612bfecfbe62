using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Json.Schema;
using Pipeline.Client;
using Pipeline.Protocol;
using Pipeline.Schemas;
using Pipeline.Schemas.Catalog;
using Pipeline.Server.IntegrationTests.Infrastructure;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Server.IntegrationTests;

/// <summary>
/// The engine's own queries against a running server: every real answer (and the arguments sent) is valid under its
/// published schema (src/Pipeline.Schemas/schemas), so EnginePayloads.cs and the hand-written answers cannot drift apart.
/// </summary>
public sealed class EngineQuerySchemaTests : IAsyncLifetime
{
    // Short windows and ticks so that both ledger flows have closed windows (a global result and a top list) to answer with.
    private static readonly (string, string)[] s_windows =
    [
        ("Pipeline:Streams:Enabled", "true"),
        ("Pipeline:Streams:TickInterval", "00:00:00.050"),
        ("Ledger:DepositWindow", "00:00:00.400"),
        ("Ledger:DepositSlide", "00:00:00.200"),
        ("Ledger:BusiestWindow", "00:00:00.500"),
        ("Ledger:BusiestTop", "2"),
    ];

    private readonly TempDirectory _temp = new();
    private InProcessServer _server = null!;

    public async Task InitializeAsync() => _server = await InProcessServer.StartAsync(_temp.Combine("data"), s_windows);

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _temp.Dispose();
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pipeline.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("the tests run from inside the repository");
    }

    // The committed file, not the code's export: the test holds the server to what was published.
    private static JsonSchema Published(string type) =>
        JsonSchema.FromText(File.ReadAllText(Path.Combine(RepositoryRoot(), EngineCatalog.SchemaFolder, SchemaLockFolder.RelativePathOf(type, 1))));

    private static void AssertValid(string type, string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        EvaluationResults result = Published(type).Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, $"{type} v1: {json} is not valid: {string.Join("; ", (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")))}");
    }

    private static bool IsValid(string type, JsonNode json)
    {
        using JsonDocument document = JsonDocument.Parse(json.ToJsonString());
        return Published(type).Evaluate(document.RootElement).IsValid;
    }

    // Polls a query until its answer satisfies the condition: windows close by journal time, which only the ticks advance while idle.
    private static async Task<QueryResult> QueryUntilAsync(PipelineClient client, string name, string args, Func<QueryResult, bool> condition)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        while (true)
        {
            QueryResult result = await client.QueryAsync(name, args).WaitAsync(TestTimeouts.Default);
            if (condition(result))
            {
                return result;
            }

            await Task.Delay(20, timeout.Token);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task EveryEngineQuery_AnswersWhatItsPublishedSchemaDescribes()
    {
        await using PipelineClient client = await PipelineClient.ConnectAsync(new PipelineClientOptions { Port = _server.Port, ProtocolVersion = FrameHeader.ConsumerProtocolVersion }).WaitAsync(TestTimeouts.Default);
        Ack[] acks = await client.PublishBatchAsync(
        [
            ("ledger.open", InProcessServer.Json("{\"account\":\"a\"}")),
            ("ledger.open", InProcessServer.Json("{\"account\":\"b\"}")),
            ("ledger.deposit", InProcessServer.Json("{\"account\":\"a\",\"amount\":10}")),
            ("ledger.deposit", InProcessServer.Json("{\"account\":\"b\",\"amount\":60}")),
            ("ledger.transfer", InProcessServer.Json("{\"from\":\"b\",\"to\":\"a\",\"amount\":5}")),
        ]).WaitAsync(TestTimeouts.Default);
        Assert.All(acks, a => Assert.Equal(AckStatus.Ok, a.Status));
        ReadResult last = await client.ReadAllBackwardAsync(ulong.MaxValue, 1, minSequence: acks[^1].Sequence).WaitAsync(TestTimeouts.Default);
        CommitResult commit = await client.CommitAsync("schema-check", last.Events[0].Position).WaitAsync(TestTimeouts.Default);
        Assert.Equal(ConsumerResultStatus.Ok, commit.Status);

        // (query, args) pairs, each answered OK; both flows' results once their windows have closed.
        var asked = new List<(string Query, string Args, QueryResult Answer)>();
        async Task AskAsync(string query, string args, Func<QueryResult, bool>? until = null)
        {
            QueryResult answer = until is null
                ? await client.QueryAsync(query, args).WaitAsync(TestTimeouts.Default)
                : await QueryUntilAsync(client, query, args, until);
            Assert.True(answer.Status == ResultStatus.Ok, $"{query} {args}: {answer.Status} {answer.Body}");
            asked.Add((query, args, answer));
        }

        await AskAsync("pipeline.catalog", "{}");
        await AskAsync("pipeline.consumers", "{}");
        await AskAsync("pipeline.consumers", "{\"consumer\":\"schema-check\"}");
        await AskAsync("pipeline.stream.results", "{\"stream\":\"ledger.deposit-stats\"}", r => r.Status == ResultStatus.Ok && r.Body.Contains("\"value\"", StringComparison.Ordinal));
        string end = JsonNode.Parse(asked[^1].Answer.Body)!["results"]![0]!["end"]!.GetValue<string>();
        await AskAsync("pipeline.stream.results", JsonSerializer.Serialize(new { stream = "ledger.deposit-stats", end }));
        await AskAsync("pipeline.stream.results", "{\"stream\":\"ledger.busiest-accounts\"}", r => r.Status == ResultStatus.Ok && r.Body.Contains("\"top\"", StringComparison.Ordinal));
        await AskAsync("pipeline.streams", "{}");

        foreach ((string query, string args, QueryResult answer) in asked)
        {
            AssertValid(query, args);
            AssertValid(EngineCatalog.ResultNameOf(query), answer.Body);

            // Not vacuous: without a member the schema requires, the same answer is invalid.
            JsonObject body = JsonNode.Parse(answer.Body)!.AsObject();
            string required = body.First().Key;
            body.Remove(required);
            Assert.False(IsValid(EngineCatalog.ResultNameOf(query), body), $"{query}'s answer without '{required}' is still valid");
        }

        Assert.Equal(EngineCatalog.Messages().Select(m => m.Name).Order(StringComparer.Ordinal), asked.Select(a => a.Query).Distinct().Order(StringComparer.Ordinal));
        Assert.Contains("\"consumer\":\"schema-check\"", asked[1].Answer.Body, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"pipeline.stream.results\"", asked[0].Answer.Body, StringComparison.Ordinal);
        Assert.False(IsValid("pipeline.stream.results", JsonNode.Parse("{\"stream\":\"ledger.deposit-stats\",\"from\":\"x\"}")!), "the server refuses an unknown argument; so must the schema");
    }
}
