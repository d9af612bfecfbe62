using System;
using System.Text;
using Pipeline.Application;
using Pipeline.Schemas.Upcasting;
using Xunit;

namespace Pipeline.Ledger.Tests;

/// <summary>The ledger's version steps, and the parser and the stored-event reader reading through them.</summary>
public sealed class LedgerUpcastersTests
{
    private static (bool Ok, LedgerCommand Command, string? Reason) Parse(ushort version, string payload)
    {
        bool ok = LedgerCommandParser.TryParse(LedgerCommandKind.Deposit, version, Encoding.UTF8.GetBytes(payload), null, out LedgerCommand command, out _, out string? reason);
        return (ok, command, reason);
    }

    [Theory]
    [InlineData("{\"account\":\"a\",\"amount\":5,\"reference\":7}")]
    [InlineData("{\"\\u0072eference\":null,\"account\":\"a\",\"amount\":5}")]
    [InlineData("{\"account\":\"a\",\"reference\":\"x\",\"amount\":5,\"reference\":\"y\"}")]
    public void Chain_Deposit1_DropsEveryReference_AndReadsAsVersion2(string payload)
    {
        string upcast = Encoding.UTF8.GetString(LedgerUpcasters.Chain.Upcast("ledger.deposit", 1, Encoding.UTF8.GetBytes(payload), new UpcastBuffers(), out ushort newest));

        Assert.Equal(2, newest);
        Assert.Equal("{\"account\":\"a\",\"amount\":5}", upcast);
    }

    [Fact]
    public void Chain_Deposit1WithoutReference_AndDeposited1_AreTheSameBytes()
    {
        byte[] deposit = "{\"account\":\"a\",\"amount\":5}"u8.ToArray();
        byte[] deposited = "{\"account\":\"a\",\"amount\":5,\"balance\":5}"u8.ToArray();

        ReadOnlySpan<byte> command = LedgerUpcasters.Chain.Upcast("ledger.deposit", 1, deposit, new UpcastBuffers(), out ushort commandVersion);
        ReadOnlySpan<byte> @event = LedgerUpcasters.Chain.Upcast("ledger.deposited", 1, deposited, new UpcastBuffers(), out ushort eventVersion);

        Assert.True(command == deposit.AsSpan());
        Assert.Equal(2, commandVersion);
        Assert.True(@event == deposited.AsSpan());
        Assert.Equal(2, eventVersion);
    }

    [Fact]
    public void Chain_LeadsEveryCommandToAVersionTheLedgerAccepts()
    {
        var app = new LedgerApplication();

        for (int i = 0; i < app.Commands.Count; i++)
        {
            CommandType type = app.Commands[i];
            foreach (ushort version in type.SchemaVersions)
            {
                Assert.True(type.Accepts(app.Upcasters.Newest(type.Name, version)), $"{type.Name} {version}");
            }
        }

        Assert.Same(LedgerUpcasters.Chain, app.Upcasters);
        Assert.Equal(2, app.Upcasters.Newest("ledger.deposit", 1));
        Assert.Equal(1, app.Upcasters.Newest("ledger.withdraw", 1));
    }

    [Fact]
    public void TryParse_Version1WithAnEscapedReferenceName_IgnoresIt()
    {
        (bool ok, LedgerCommand command, _) = Parse(1, "{\"account\":\"a\",\"amount\":5,\"\\u0072eference\":\"x\"}");

        Assert.True(ok);
        Assert.Null(command.Reference);
        Assert.Equal("inv", Parse(2, "{\"account\":\"a\",\"amount\":5,\"\\u0072eference\":\"inv\"}").Command.Reference);
    }

    [Fact]
    public void TryParse_Version1NestedDeeperThanTheParserReads_StaysMalformed_EvenInsideTheReference()
    {
        // The step must not remove a member the parser would have failed on: a version 1 journal replays as it did.
        string deep = new string('[', 9) + "1" + new string(']', 9);

        (bool ok, _, string? reason) = Parse(1, "{\"account\":\"a\",\"amount\":5,\"reference\":" + deep + "}");

        Assert.False(ok);
        Assert.Equal(RejectReason.MalformedPayload, reason);
        Assert.True(Parse(1, "{\"account\":\"a\",\"amount\":5,\"reference\":" + new string('[', 6) + "1" + new string(']', 6) + "}").Ok);
    }

    [Fact]
    public void Decoder_GivenTheUpcastVersion2_ReadsTheSameCommandAsVersion1()
    {
        var app = new LedgerApplication();
        ICommandDecoder<DecodedLedgerCommand> decoder = app.CreateDecoder(app.CreateState());
        int index = app.Commands.IndexOf("ledger.deposit"u8);
        byte[] payload = Encoding.UTF8.GetBytes("{\"account\":\"a\",\"amount\":5,\"reference\":\"v1 ignores it\"}");
        ReadOnlySpan<byte> upcast = app.Upcasters.Upcast("ledger.deposit", 1, payload, new UpcastBuffers(), out ushort newest);

        Assert.True(decoder.TryDecode(index, newest, upcast, out DecodedLedgerCommand viaEngine, out _));
        Assert.True(decoder.TryDecode(index, 1, payload, out DecodedLedgerCommand direct, out _));
        Assert.True(decoder.TryDecode(index, 2, payload, out DecodedLedgerCommand asVersion2, out _));

        Assert.Null(viaEngine.Command.Reference);
        Assert.Equal(direct.Command, viaEngine.Command);
        Assert.Equal("v1 ignores it", asVersion2.Command.Reference);
    }

    [Fact]
    public void TryRead_WithTheSchemaVersion_ReadsBothDepositedVersionsAsTheNewest()
    {
        bool v1 = LedgerStoredEvents.TryRead("ledger.deposited", 1, "account-a", 2, "{\"account\":\"a\",\"amount\":5,\"balance\":5}"u8, out LedgerEvent old);
        bool v2 = LedgerStoredEvents.TryRead("ledger.deposited", 2, "account-a", 3, "{\"account\":\"a\",\"amount\":5,\"balance\":10,\"reference\":\"inv\"}"u8, out LedgerEvent current);
        bool window = LedgerStoredEvents.TryRead("ledger.deposit-stats", 1, "x", 1, "{}"u8, out _);

        Assert.True(v1);
        Assert.Null(old.Reference);
        Assert.Equal(5, old.Balance);
        Assert.True(v2);
        Assert.Equal("inv", current.Reference);
        Assert.False(window);
    }
}
