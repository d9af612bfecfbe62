using System;
using System.Text;
using Xunit;

namespace Pipeline.Ledger.Tests;

/// <summary><c>ledger.deposit</c> version 2 (an optional reference) beside version 1, which stays exactly as the spec says.</summary>
public sealed class DepositVersionTests
{
    private static (bool Ok, LedgerCommand Command, string? Reason) Parse(ushort version, string payload)
    {
        bool ok = LedgerCommandParser.TryParse(LedgerCommandKind.Deposit, version, Encoding.UTF8.GetBytes(payload), null, out LedgerCommand command, out _, out string? reason);
        return (ok, command, reason);
    }

    [Fact]
    public void Version1_WithAReferenceMember_IgnoresIt_AsEveryUnknownMember()
    {
        (bool ok, LedgerCommand command, _) = Parse(1, "{\"account\":\"a\",\"amount\":5,\"reference\":{\"any\":[1]}}");
        Assert.True(ok);
        Assert.Null(command.Reference);
    }

    [Fact]
    public void Version2_WithAReference_CarriesIt()
    {
        (bool ok, LedgerCommand command, _) = Parse(2, "{\"reference\":\"inv-\\u00e9\",\"account\":\"a\",\"amount\":5}");
        Assert.True(ok);
        Assert.Equal("inv-\u00e9", command.Reference);
        Assert.Equal(new LedgerCommand(LedgerCommandKind.Deposit, "a", null, 5, -1, "inv-\u00e9"), command);
    }

    [Fact]
    public void Version2_WithoutAReference_IsVersion1sCommand()
    {
        Assert.Equal(Parse(1, "{\"account\":\"a\",\"amount\":5}").Command, Parse(2, "{\"account\":\"a\",\"amount\":5}").Command);
    }

    [Theory]
    [InlineData("{\"account\":\"a\",\"amount\":5,\"reference\":7}")]
    [InlineData("{\"account\":\"a\",\"amount\":5,\"reference\":null}")]
    [InlineData("{\"account\":\"a\",\"amount\":5,\"reference\":\"\"}")]
    [InlineData("{\"account\":\"a\",\"amount\":5,\"reference\":\"x\",\"reference\":\"y\"}")]
    public void Version2_WithABadReference_IsMalformed(string payload)
    {
        (bool ok, _, string? reason) = Parse(2, payload);
        Assert.False(ok);
        Assert.Equal(RejectReason.MalformedPayload, reason);
    }

    [Fact]
    public void Version2_ReferenceLength_IsOneTo128Characters()
    {
        Assert.True(Parse(2, "{\"account\":\"a\",\"amount\":5,\"reference\":\"" + new string('r', 128) + "\"}").Ok);
        Assert.True(Parse(2, "{\"account\":\"a\",\"amount\":5,\"reference\":\"" + string.Concat(System.Linq.Enumerable.Repeat("\U0001F600", 128)) + "\"}").Ok);
        Assert.Equal(RejectReason.MalformedPayload, Parse(2, "{\"account\":\"a\",\"amount\":5,\"reference\":\"" + new string('r', 129) + "\"}").Reason);
    }

    [Fact]
    public void OtherCommands_TakeNoReference_InAnyVersion()
    {
        Assert.True(LedgerCommandParser.TryParse(LedgerCommandKind.Withdraw, 2, "{\"account\":\"a\",\"amount\":5,\"reference\":7}"u8, null, out LedgerCommand withdraw, out _, out _));
        Assert.Null(withdraw.Reference);
    }

    [Fact]
    public void TheLedgerAcceptsDepositVersions1And2_AndTheOthersVersion1()
    {
        var app = new LedgerApplication();
        Assert.Equal("1, 2", app.Commands[app.Commands.IndexOf("ledger.deposit"u8)].Supported);
        Assert.Equal("1", app.Commands[app.Commands.IndexOf("ledger.withdraw"u8)].Supported);
    }
}
