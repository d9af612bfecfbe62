using System;
using System.Linq;
using System.Text;
using Xunit;

namespace Pipeline.Ledger.Tests;

public sealed class LedgerCommandParserTests
{
    private static (bool Ok, LedgerCommand Command, string? Reason) Parse(LedgerCommandKind kind, string json)
    {
        bool ok = LedgerCommandParser.TryParse(kind, Encoding.UTF8.GetBytes(json), out LedgerCommand command, out string? reason);
        return (ok, command, reason);
    }

    private static void AssertRejected(LedgerCommandKind kind, string json, string reason)
    {
        (bool ok, LedgerCommand command, string? actual) = Parse(kind, json);
        Assert.False(ok, json);
        Assert.Equal(reason, actual);
        Assert.Equal(default, command);
    }

    [Theory]
    [InlineData("ledger.open", LedgerCommandKind.Open)]
    [InlineData("ledger.deposit", LedgerCommandKind.Deposit)]
    [InlineData("ledger.withdraw", LedgerCommandKind.Withdraw)]
    [InlineData("ledger.transfer", LedgerCommandKind.Transfer)]
    public void KindOf_LedgerType_ReturnsItsKindAndTypeNameRoundTrips(string type, LedgerCommandKind kind)
    {
        LedgerCommandKind parsed = LedgerCommandParser.KindOf(Encoding.UTF8.GetBytes(type));

        Assert.Equal(kind, parsed);
        Assert.Equal(type, LedgerCommandParser.TypeName(kind));
    }

    [Theory]
    [InlineData("")]
    [InlineData("ledger")]
    [InlineData("ledger.")]
    [InlineData("ledger.balance")]
    [InlineData("ledger.totals")]
    [InlineData("LEDGER.OPEN")]
    [InlineData("ledger.open ")]
    [InlineData(" ledger.open")]
    [InlineData("ledger.opened")]
    [InlineData("orders.created")]
    public void KindOf_UnknownType_ReturnsNone(string type)
    {
        LedgerCommandKind kind = LedgerCommandParser.KindOf(Encoding.UTF8.GetBytes(type));

        Assert.Equal(LedgerCommandKind.None, kind);
    }

    [Fact]
    public void TypeName_None_ThrowsArgumentOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LedgerCommandParser.TypeName(LedgerCommandKind.None));
    }

    [Fact]
    public void TryParse_None_ThrowsArgumentOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Parse(LedgerCommandKind.None, "{\"account\": \"a\"}"));
    }

    [Fact]
    public void TryParse_Open_ReturnsTheAccount()
    {
        (bool ok, LedgerCommand command, string? reason) = Parse(LedgerCommandKind.Open, "{\"account\": \"a-1\"}");

        Assert.True(ok);
        Assert.Null(reason);
        Assert.Equal(new LedgerCommand(LedgerCommandKind.Open, "a-1", null, 0, -1), command);
    }

    [Theory]
    [InlineData(LedgerCommandKind.Deposit)]
    [InlineData(LedgerCommandKind.Withdraw)]
    public void TryParse_DepositOrWithdraw_ReturnsAccountAndAmount(LedgerCommandKind kind)
    {
        (bool ok, LedgerCommand command, string? reason) = Parse(kind, "{\"account\": \"a-1\", \"amount\": 100}");

        Assert.True(ok);
        Assert.Null(reason);
        Assert.Equal(new LedgerCommand(kind, "a-1", null, 100, -1), command);
    }

    [Fact]
    public void TryParse_Transfer_ReturnsFromToAndAmount()
    {
        (bool ok, LedgerCommand command, _) = Parse(LedgerCommandKind.Transfer, "{\"from\": \"a-1\", \"to\": \"b-2\", \"amount\": 25}");

        Assert.True(ok);
        Assert.Equal(new LedgerCommand(LedgerCommandKind.Transfer, "a-1", "b-2", 25, -1), command);
    }

    [Theory]
    [InlineData(LedgerCommandKind.Open, "{\"account\": \"a\", \"expectedVersion\": 0}", 0)]
    [InlineData(LedgerCommandKind.Deposit, "{\"expectedVersion\": 3, \"account\": \"a\", \"amount\": 1}", 3)]
    [InlineData(LedgerCommandKind.Withdraw, "{\"account\": \"a\", \"amount\": 1, \"expectedVersion\": 9007199254740993}", 9007199254740993)]
    [InlineData(LedgerCommandKind.Transfer, "{\"from\": \"a\", \"to\": \"b\", \"amount\": 1, \"expectedVersion\": 12}", 12)]
    public void TryParse_ExpectedVersion_IsCarried(LedgerCommandKind kind, string json, long expected)
    {
        (bool ok, LedgerCommand command, _) = Parse(kind, json);

        Assert.True(ok);
        Assert.Equal(expected, command.ExpectedVersion);
    }

    [Theory]
    [InlineData("{\"account\": \"a\", \"amount\": 1, \"expectedVersion\": -1}")]
    [InlineData("{\"account\": \"a\", \"amount\": 1, \"expectedVersion\": \"2\"}")]
    [InlineData("{\"account\": \"a\", \"amount\": 1, \"expectedVersion\": 1.5}")]
    [InlineData("{\"account\": \"a\", \"amount\": 1, \"expectedVersion\": null}")]
    [InlineData("{\"account\": \"a\", \"amount\": 1, \"expectedVersion\": 1, \"expectedVersion\": 1}")]
    public void TryParse_BadExpectedVersion_IsMalformed(string json)
    {
        AssertRejected(LedgerCommandKind.Deposit, json, RejectReason.MalformedPayload);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(63)]
    [InlineData(64)]
    public void TryParse_AccountOfOneTo64Characters_IsAccepted(int length)
    {
        string account = new('x', length);

        (bool ok, LedgerCommand command, _) = Parse(LedgerCommandKind.Open, $"{{\"account\": \"{account}\"}}");

        Assert.True(ok);
        Assert.Equal(account, command.Account);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65)]
    [InlineData(1000)]
    public void TryParse_AccountOfZeroOrAbove64Characters_IsMalformed(int length)
    {
        string account = new('x', length);

        AssertRejected(LedgerCommandKind.Open, $"{{\"account\": \"{account}\"}}", RejectReason.MalformedPayload);
        AssertRejected(LedgerCommandKind.Deposit, $"{{\"account\": \"{account}\", \"amount\": 5}}", RejectReason.MalformedPayload);
        AssertRejected(LedgerCommandKind.Transfer, $"{{\"from\": \"a\", \"to\": \"{account}\", \"amount\": 5}}", RejectReason.MalformedPayload);
        AssertRejected(LedgerCommandKind.Transfer, $"{{\"from\": \"{account}\", \"to\": \"a\", \"amount\": 5}}", RejectReason.MalformedPayload);
    }

    [Fact]
    public void TryParse_AccountLength_CountsCharactersNotUtf16UnitsOrBytes()
    {
        string sixtyFourEmoji = string.Concat(Enumerable.Repeat("\U0001F600", 64)); // 128 UTF-16 units, 256 UTF-8 bytes
        string sixtyFiveEmoji = sixtyFourEmoji + "\U0001F600";

        (bool ok, LedgerCommand command, _) = Parse(LedgerCommandKind.Open, $"{{\"account\": \"{sixtyFourEmoji}\"}}");

        Assert.True(ok);
        Assert.Equal(sixtyFourEmoji, command.Account);
        AssertRejected(LedgerCommandKind.Open, $"{{\"account\": \"{sixtyFiveEmoji}\"}}", RejectReason.MalformedPayload);
    }

    [Fact]
    public void TryParse_EscapedAccount_IsUnescaped()
    {
        (bool ok, LedgerCommand command, _) = Parse(LedgerCommandKind.Open, "{\"account\": \"a\\u002D1\\\"q\"}");

        Assert.True(ok);
        Assert.Equal("a-1\"q", command.Account);
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData("1000000000000000", 1_000_000_000_000_000)]
    [InlineData("999999999999999", 999_999_999_999_999)]
    public void TryParse_AmountFromOneTo10Pow15_IsAccepted(string amount, long expected)
    {
        (bool ok, LedgerCommand command, _) = Parse(LedgerCommandKind.Deposit, $"{{\"account\": \"a\", \"amount\": {amount}}}");

        Assert.True(ok, amount);
        Assert.Equal(expected, command.Amount);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1000000000000001")]
    [InlineData("9223372036854775807")]
    [InlineData("9223372036854775808")]
    [InlineData("100000000000000000000000")]
    [InlineData("1.5")]
    [InlineData("0.5")]
    [InlineData("1e-1")]
    [InlineData("1e3")]
    [InlineData("1.0")]
    public void TryParse_AmountOutOfRangeOrNotAnInteger_IsInvalidAmount(string amount)
    {
        foreach (LedgerCommandKind kind in new[] { LedgerCommandKind.Deposit, LedgerCommandKind.Withdraw })
        {
            AssertRejected(kind, $"{{\"account\": \"a\", \"amount\": {amount}}}", RejectReason.InvalidAmount);
        }

        AssertRejected(LedgerCommandKind.Transfer, $"{{\"from\": \"a\", \"to\": \"b\", \"amount\": {amount}}}", RejectReason.InvalidAmount);
    }

    [Theory]
    [InlineData("\"100\"")]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("[100]")]
    [InlineData("{\"value\": 100}")]
    public void TryParse_AmountNotANumber_IsMalformed(string amount)
    {
        AssertRejected(LedgerCommandKind.Deposit, $"{{\"account\": \"a\", \"amount\": {amount}}}", RejectReason.MalformedPayload);
    }

    [Theory]
    [InlineData(LedgerCommandKind.Open, "{}")]
    [InlineData(LedgerCommandKind.Open, "{\"from\": \"a\"}")]
    [InlineData(LedgerCommandKind.Deposit, "{\"amount\": 5}")]
    [InlineData(LedgerCommandKind.Deposit, "{\"account\": \"a\"}")]
    [InlineData(LedgerCommandKind.Withdraw, "{\"account\": \"a\"}")]
    [InlineData(LedgerCommandKind.Withdraw, "{\"from\": \"a\", \"amount\": 5}")]
    [InlineData(LedgerCommandKind.Transfer, "{\"from\": \"a\", \"amount\": 5}")]
    [InlineData(LedgerCommandKind.Transfer, "{\"to\": \"b\", \"amount\": 5}")]
    [InlineData(LedgerCommandKind.Transfer, "{\"from\": \"a\", \"to\": \"b\"}")]
    [InlineData(LedgerCommandKind.Transfer, "{\"account\": \"a\", \"to\": \"b\", \"amount\": 5}")]
    public void TryParse_MissingField_IsMalformed(LedgerCommandKind kind, string json)
    {
        AssertRejected(kind, json, RejectReason.MalformedPayload);
    }

    [Fact]
    public void TryParse_MissingFieldAndInvalidAmount_IsMalformed()
    {
        AssertRejected(LedgerCommandKind.Deposit, "{\"amount\": 0}", RejectReason.MalformedPayload);
    }

    [Theory]
    [InlineData("{\"account\": 5}")]
    [InlineData("{\"account\": null}")]
    [InlineData("{\"account\": [\"a\"]}")]
    [InlineData("{\"account\": \"a\", \"account\": \"b\"}")]
    [InlineData("{\"account\": \"a\", \"amount\": 1, \"amount\": 2}")]
    public void TryParse_FieldOfTheWrongTypeOrRepeated_IsMalformed(string json)
    {
        AssertRejected(LedgerCommandKind.Deposit, json, RejectReason.MalformedPayload);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[{\"account\": \"a\"}]")]
    [InlineData("\"account\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("true")]
    public void TryParse_NotAnObject_IsMalformed(string json)
    {
        AssertRejected(LedgerCommandKind.Open, json, RejectReason.MalformedPayload);
    }

    [Theory]
    [InlineData("{\"account\": \"a\"} x")]
    [InlineData("{\"account\": \"a\"}{}")]
    [InlineData("{\"account\": \"a\"}}")]
    [InlineData("{\"account\": \"a\"},")]
    [InlineData("{\"account\": \"a\"} 1")]
    public void TryParse_TrailingContent_IsMalformed(string json)
    {
        AssertRejected(LedgerCommandKind.Open, json, RejectReason.MalformedPayload);
    }

    [Fact]
    public void TryParse_TrailingWhitespace_IsAccepted()
    {
        (bool ok, _, _) = Parse(LedgerCommandKind.Open, " \n{\"account\": \"a\"}\r\n\t ");

        Assert.True(ok);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("{")]
    [InlineData("{\"account\": ")]
    [InlineData("{\"account\": \"a\"")]
    [InlineData("{\"account\": \"a\",}")]
    [InlineData("{account: \"a\"}")]
    [InlineData("{'account': 'a'}")]
    [InlineData("{\"account\": \"a\" \"amount\": 1}")]
    [InlineData("{\"account\": \"a\", \"amount\": 01}")]
    [InlineData("{\"account\": \"a\", \"amount\": +1}")]
    [InlineData("{\"account\": \"a\", /* comment */ \"amount\": 1}")]
    public void TryParse_InvalidJson_IsMalformed(string json)
    {
        AssertRejected(LedgerCommandKind.Deposit, json, RejectReason.MalformedPayload);
    }

    [Fact]
    public void TryParse_InvalidUtf8_IsMalformed()
    {
        byte[] payload = [.. "{\"account\": \""u8, 0xC3, 0x28, .. "\"}"u8];

        bool ok = LedgerCommandParser.TryParse(LedgerCommandKind.Open, payload, out _, out string? reason);

        Assert.False(ok);
        Assert.Equal(RejectReason.MalformedPayload, reason);
    }

    [Fact]
    public void TryParse_UnknownFields_AreIgnored()
    {
        const string Json = "{\"note\": {\"nested\": [1, 2, {\"x\": null}]}, \"account\": \"a\", \"amount\": 7, \"tags\": [\"t\"], \"flag\": false}";

        (bool ok, LedgerCommand command, _) = Parse(LedgerCommandKind.Deposit, Json);

        Assert.True(ok);
        Assert.Equal(new LedgerCommand(LedgerCommandKind.Deposit, "a", null, 7, -1), command);
    }

    [Fact]
    public void TryParse_UnknownFieldNestedTooDeep_IsMalformed()
    {
        string deep = new string('[', 20) + new string(']', 20);

        AssertRejected(LedgerCommandKind.Open, $"{{\"account\": \"a\", \"x\": {deep}}}", RejectReason.MalformedPayload);
    }

    [Fact]
    public void TryParse_OpenWithAnAmount_IgnoresTheAmount()
    {
        (bool ok, LedgerCommand command, _) = Parse(LedgerCommandKind.Open, "{\"account\": \"a\", \"amount\": 0}");

        Assert.True(ok);
        Assert.Equal(0, command.Amount);
    }
}
