using System;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Pipeline.Client;
using Pipeline.Protocol;
using Pipeline.Server.IntegrationTests.Infrastructure;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Server.IntegrationTests;

/// <summary>Schema versions on the wire: both versions of <c>ledger.deposit</c> accepted, the stored event's version following, and the catalog query.</summary>
public sealed class SchemaVersionTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private InProcessServer _server = null!;
    private PipelineClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await InProcessServer.StartAsync(_temp.Combine("data"));
        _client = await PipelineClient.ConnectAsync(new PipelineClientOptions { Port = _server.Port, ProtocolVersion = FrameHeader.ConsumerProtocolVersion }).WaitAsync(TestTimeouts.Default);
        Assert.Equal(AckStatus.Ok, (await _client.PublishAsync("ledger.open", Bytes("{\"account\":\"a-1\"}"))).Status);
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _server.DisposeAsync();
        _temp.Dispose();
    }

    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Fact(Timeout = 30_000)]
    public async Task DepositVersion2WithAReference_IsStoredAsDepositedVersion2_Version1AsVersion1()
    {
        Ack v2 = await _client.PublishAsync("ledger.deposit", Bytes("{\"account\":\"a-1\",\"amount\":10,\"reference\":\"inv-7\"}"), schemaVersion: 2).WaitAsync(TestTimeouts.Default);
        Ack v1 = await _client.PublishAsync("ledger.deposit", Bytes("{\"account\":\"a-1\",\"amount\":5,\"reference\":\"ignored\"}"), schemaVersion: 1).WaitAsync(TestTimeouts.Default);
        Assert.Equal(AckStatus.Ok, v2.Status);
        Assert.Equal(AckStatus.Ok, v1.Status);

        ReadResult stream = await _client.ReadStreamAsync("account-a-1", 1, 10, minSequence: v1.Sequence).WaitAsync(TestTimeouts.Default);
        StoredEvent[] deposits = [.. stream.Events.Where(e => e.Type == "ledger.deposited")];
        Assert.Equal(2, deposits.Length);
        Assert.Equal(2, deposits[0].SchemaVersion);
        Assert.Equal("{\"account\":\"a-1\",\"amount\":10,\"balance\":10,\"reference\":\"inv-7\"}", Encoding.UTF8.GetString(deposits[0].Payload.Span));
        Assert.Equal(1, deposits[1].SchemaVersion);
        Assert.Equal("{\"account\":\"a-1\",\"amount\":5,\"balance\":15}", Encoding.UTF8.GetString(deposits[1].Payload.Span));
    }

    [Fact(Timeout = 30_000)]
    public async Task UnsupportedVersion_IsInvalidNamingTheSupportedOnes_AndABadVersion2Field_IsMalformed()
    {
        Ack v3 = await _client.PublishAsync("ledger.deposit", Bytes("{\"account\":\"a-1\",\"amount\":10}"), schemaVersion: 3).WaitAsync(TestTimeouts.Default);
        Assert.Equal(AckStatus.Invalid, v3.Status);
        Assert.Equal("unsupported schema_version 3 (supported: 1, 2)", v3.Detail);

        Ack withdrawV2 = await _client.PublishAsync("ledger.withdraw", Bytes("{\"account\":\"a-1\",\"amount\":1}"), schemaVersion: 2).WaitAsync(TestTimeouts.Default);
        Assert.Equal(AckStatus.Invalid, withdrawV2.Status);
        Assert.Equal("unsupported schema_version 2 (supported: 1)", withdrawV2.Detail);

        Ack bad = await _client.PublishAsync("ledger.deposit", Bytes("{\"account\":\"a-1\",\"amount\":10,\"reference\":7}"), schemaVersion: 2).WaitAsync(TestTimeouts.Default);
        Assert.Equal(AckStatus.Rejected, bad.Status);
        Assert.Equal("malformed_payload", bad.Detail);
    }

    [Fact(Timeout = 30_000)]
    public async Task CatalogQuery_ListsEveryTypeWithItsVersionsAndSchemas()
    {
        ServiceCatalog catalog = await _client.GetCatalogAsync().WaitAsync(TestTimeouts.Default);
        Assert.Equal("Pipeline ledger", catalog.Service);
        CatalogEntry deposit = catalog.Find("ledger.deposit") ?? throw new InvalidOperationException("no ledger.deposit");
        Assert.Equal("command", deposit.Kind);
        Assert.Equal("user", deposit.Category);
        Assert.Equal([1, 2], deposit.Versions.Select(v => v.Version));
        Assert.Equal(2, deposit.LatestVersion);
        Assert.Equal("business", catalog.Find("ledger.deposited")!.Category);
        Assert.Equal("window result", catalog.Find("ledger.deposit-stats")!.Kind);
        Assert.NotEmpty(catalog.Find("ledger.balance")!.ResultVersions);

        string? schema = await _client.GetSchemaAsync("ledger.deposit", 2).WaitAsync(TestTimeouts.Default);
        using JsonDocument doc = JsonDocument.Parse(schema!);
        Assert.True(doc.RootElement.GetProperty("properties").TryGetProperty("reference", out _));
        Assert.Null(await _client.GetSchemaAsync("ledger.deposit", 3).WaitAsync(TestTimeouts.Default));
    }
}
