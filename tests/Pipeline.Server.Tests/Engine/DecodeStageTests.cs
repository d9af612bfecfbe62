using System;
using System.Text;
using Pipeline.Application;
using Pipeline.Hosting.Engine;
using Pipeline.Ledger;
using Pipeline.Schemas.Upcasting;
using Xunit;

namespace Pipeline.Server.Tests.Engine;

/// <summary>The decode stage upcasts a command to its type's newest version before the decoder sees it.</summary>
public sealed class DecodeStageTests
{
    private static readonly CommandTypes s_types = new(new CommandType("note.add", 1, 2, 3), new CommandType("note.drop", 1));

    // note.add: v1 -> v2 drops "tag" (unknown in v1), v2 -> v3 renames "text" to "body".
    private static readonly UpcasterChain s_chain = new(
        Upcast.RemoveMember("note.add", 1, "tag"),
        Upcast.RenameMember("note.add", 2, "text", "body"));

    private static CommandEntry<string, int> Entry(string type, ushort version, string payload)
    {
        var entry = new CommandEntry<string, int> { SchemaVersion = version };
        entry.SetType(Encoding.UTF8.GetBytes(type));
        entry.SetPayload(Encoding.UTF8.GetBytes(payload));
        return entry;
    }

    [Theory]
    [InlineData(1, "{\"text\":\"hi\",\"tag\":\"x\"}", "3 {\"body\":\"hi\"}")]
    [InlineData(2, "{\"text\":\"hi\",\"tag\":\"x\"}", "3 {\"body\":\"hi\",\"tag\":\"x\"}")]
    [InlineData(3, "{\"body\":\"hi\",\"tag\":\"x\"}", "3 {\"body\":\"hi\",\"tag\":\"x\"}")]
    public void OnEvent_WithAnUpcastingApplication_DecodesTheNewestVersion_AndLeavesTheEntryAsSent(ushort version, string payload, string decoded)
    {
        var stage = new DecodeStage<string, int>(s_types, new CommandDecoding<string>(new RecordingDecoder(), CommandUpcaster.Create(s_types, new Upcasting(s_chain)), null));
        CommandEntry<string, int> entry = Entry("note.add", version, payload);

        stage.OnEvent(ref entry, 0, true);

        Assert.Null(entry.DecodeError);
        Assert.Equal(decoded, entry.Command);
        Assert.Equal(version, entry.SchemaVersion); // the journal keeps the version and payload as sent
        Assert.Equal(payload, Encoding.UTF8.GetString(entry.Payload));
    }

    [Fact]
    public void OnEvent_WithoutUpcasters_DecodesTheDeclaredVersion()
    {
        var stage = new DecodeStage<string, int>(s_types, new CommandDecoding<string>(new RecordingDecoder(), CommandUpcaster.Create(s_types, new object()), null));
        CommandEntry<string, int> entry = Entry("note.add", 1, "{\"tag\":1}");

        stage.OnEvent(ref entry, 0, true);

        Assert.Equal("1 {\"tag\":1}", entry.Command);
    }

    [Fact]
    public void Create_StepsLeadingToAVersionTheTypeDoesNotAccept_ThrowsNamingIt()
    {
        var chain = new UpcasterChain(Upcast.Identity("note.drop", 1));

        InvalidOperationException ex = Assert.Throws<InvalidOperationException>(() => CommandUpcaster.Create(s_types, new Upcasting(chain)));

        Assert.Equal("The upcasters of 'note.drop' read version 1 as version 2, which the command type does not accept (accepted: 1).", ex.Message);
    }

    [Fact]
    public void Create_StepsOfOtherTypesOnly_IsNoUpcaster()
    {
        Assert.Null(CommandUpcaster.Create(s_types, new Upcasting(new UpcasterChain(Upcast.Identity("note.added", 1)))));
        Assert.Null(CommandUpcaster.Create(s_types, new Upcasting(UpcasterChain.Empty)));
    }

    [Theory]
    [InlineData(1, null)]
    [InlineData(2, "inv-7")]
    public void OnEvent_LedgerDeposit_Version1IgnoresTheReference_Version2KeepsIt(ushort version, string? reference)
    {
        var app = new LedgerApplication();
        var stage = new DecodeStage<DecodedLedgerCommand, LedgerEvent>(app.Commands, new CommandDecoding<DecodedLedgerCommand>(app.CreateDecoder(app.CreateState()), CommandUpcaster.Create(app.Commands, app), null));
        var entry = new CommandEntry<DecodedLedgerCommand, LedgerEvent> { SchemaVersion = version };
        entry.SetType("ledger.deposit"u8);
        entry.SetPayload("{\"account\":\"a\",\"amount\":5,\"reference\":\"inv-7\"}"u8);

        stage.OnEvent(ref entry, 0, true);

        Assert.Null(entry.DecodeError);
        Assert.Equal(new LedgerCommand(LedgerCommandKind.Deposit, "a", null, 5, -1, reference), entry.Command.Command);
    }

    private sealed class Upcasting(UpcasterChain chain) : IUpcastingApplication
    {
        public UpcasterChain Upcasters => chain;
    }

    private sealed class RecordingDecoder : ICommandDecoder<string>
    {
        public bool TryDecode(int typeIndex, ushort schemaVersion, ReadOnlySpan<byte> payload, out string command, out string? rejectReason)
        {
            command = $"{schemaVersion} {Encoding.UTF8.GetString(payload)}";
            rejectReason = null;
            return true;
        }
    }
}
