using System;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Pipeline.Client;
using Pipeline.Protocol;
using Pipeline.Server.IntegrationTests.Infrastructure;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Server.IntegrationTests;

/// <summary>
/// Protocol version 4: a REJECTED's detail goes on after the reason code with the offending member's path, from the
/// payload's published schema; versions 1 to 3 keep the bare code of the spec.
/// </summary>
public sealed class ExplainedRejectionTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private InProcessServer _server = null!;

    public async Task InitializeAsync() => _server = await InProcessServer.StartAsync(_temp.Combine("data"));

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _temp.Dispose();
    }

    private Task<PipelineClient> ConnectAsync(ushort version) =>
        PipelineClient.ConnectAsync(new PipelineClientOptions { Port = _server.Port, ProtocolVersion = version, ClientName = "explained-" + version }).WaitAsync(TestTimeouts.Default);

    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Fact(Timeout = 60_000)]
    public async Task Version4_MalformedPayload_NamesTheMember_EarlierVersionsGetTheBareCode()
    {
        await using PipelineClient v4 = await ConnectAsync(4);
        Assert.Equal(4, v4.Welcome.Version);
        Assert.Equal(AckStatus.Ok, (await v4.PublishAsync("ledger.open", Bytes("""{"account":"a-1"}""")).WaitAsync(TestTimeouts.Default)).Status);

        const string Bad = """{"account":"a-1","amount":"10"}""";
        Ack explained = await v4.PublishAsync("ledger.deposit", Bytes(Bad)).WaitAsync(TestTimeouts.Default);
        Assert.Equal(AckStatus.Rejected, explained.Status);
        Assert.Equal("malformed_payload $.amount: expected integer, got string", explained.Detail);
        Assert.Equal("malformed_payload", explained.Reason);
        Assert.Equal("$.amount: expected integer, got string", explained.Explanation);

        foreach (ushort version in new ushort[] { 1, 2, 3 })
        {
            await using PipelineClient older = await ConnectAsync(version);
            Ack bare = await older.PublishAsync("ledger.deposit", Bytes(Bad)).WaitAsync(TestTimeouts.Default);
            Assert.Equal((AckStatus.Rejected, "malformed_payload"), (bare.Status, bare.Detail));
            Assert.Null(bare.Explanation);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Version4_TheReasonCodeStaysTheLedgers_TheSchemaOnlyExplains()
    {
        await using PipelineClient v4 = await ConnectAsync(4);
        await v4.PublishAsync("ledger.open", Bytes("""{"account":"a-1"}""")).WaitAsync(TestTimeouts.Default);
        Ack[] acks =
        [
            await v4.PublishAsync("ledger.deposit", Bytes("""{"account":"a-1","amount":1.5}""")), // the spec's rule: invalid_amount
            await v4.PublishAsync("ledger.deposit", Bytes("""{"account":"a-1"}""")),
            await v4.PublishAsync("ledger.transfer", Bytes("""{"from":"a-1","to":["b"],"amount":1}""")),
            await v4.PublishAsync("ledger.deposit", Bytes("""{"account":"a-1","amount":5,"reference":""}"""), schemaVersion: 2), // the ledger's own rule (1..128): no path from the schema
            await v4.PublishAsync("ledger.withdraw", Bytes("""{"account":"a-1","amount":5}""")), // the decider's rule
            await v4.PublishAsync("ledger.deposit", Bytes("""{"account":"a-1","amount":5}""")),
        ];

        Assert.Equal(
            [
                "invalid_amount $.amount: expected integer, got number",
                "malformed_payload $.amount: required, missing",
                "malformed_payload $.to: expected string, got array",
                "malformed_payload",
                "insufficient_funds",
                "",
            ],
            acks.Select(a => a.Detail).ToArray());
        Assert.Equal([AckStatus.Rejected, AckStatus.Rejected, AckStatus.Rejected, AckStatus.Rejected, AckStatus.Rejected, AckStatus.Ok], acks.Select(a => a.Status).ToArray());
    }

    [Fact(Timeout = 60_000)]
    public async Task Version4_RawBytes_AreTheDocumentedAck()
    {
        using FrameConnection client = await _server.ConnectAsync(version: 4);
        await client.SendAsync(FrameBytes.Publish(7, "ledger.deposit", Encoding.UTF8.GetBytes("""{"account":"a-1","amount":"10"}""")));
        ReceivedFrame ack = await client.ReadRequiredFrameAsync();

        // docs/protocol.md, "Version 4: explained rejections": producer_seq, sequence, status 1, then the detail string.
        Assert.Equal(FrameKind.Ack, ack.Kind);
        Assert.Equal(7UL, BitConverter.ToUInt64(ack.Body, 0));
        Assert.Equal(1UL, BitConverter.ToUInt64(ack.Body, 8));
        Assert.Equal(1, ack.Body[16]);
        ushort length = BitConverter.ToUInt16(ack.Body, 17);
        Assert.Equal(ack.Body.Length - 19, length);
        Assert.Equal("malformed_payload $.amount: expected integer, got string", Encoding.UTF8.GetString(ack.Body, 19, length));
    }

    [Fact(Timeout = 60_000)]
    public async Task CliSend_ARejectedPayload_PrintsTheReasonAndWhere()
    {
        string port = _server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var output = new System.IO.StringWriter();
        using var error = new System.IO.StringWriter();

        int code = await Pipeline.Server.Cli.ClientCommands.RunAsync(["send", "ledger.open", """{"account": 5}""", "--port", port], output, error).WaitAsync(TestTimeouts.Default);

        Assert.Equal(1, code); // not OK
        Assert.Equal("ACK Rejected sequence=1 malformed_payload $.account: expected string, got integer", output.ToString().Trim());
        Assert.Empty(error.ToString());
    }

    [Fact(Timeout = 60_000)]
    public async Task Version5_IsRefusedNamingTheVersionsSpoken()
    {
        using FrameConnection client = await FrameConnection.ConnectAsync(_server.Port);
        await client.SendAsync(FrameBytes.Hello(0, "too-new", 5));
        ReceivedFrame error = await client.ReadRequiredFrameAsync();

        Assert.Equal(FrameKind.Error, error.Kind);
        Assert.Contains("protocol version 5 is not supported; this server speaks 1 to 4", Encoding.UTF8.GetString(error.Body), StringComparison.Ordinal);
    }
}
