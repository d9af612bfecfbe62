using System;
using System.Linq;
using System.Text;
using Xunit;

namespace Pipeline.Ledger.Tests;

public sealed class AccountIdTableTests
{
    private static (bool Ok, LedgerCommand Command, string? Reason) Parse(AccountIdTable table, LedgerCommandKind kind, string json)
    {
        bool ok = LedgerCommandParser.TryParse(kind, Encoding.UTF8.GetBytes(json), table, out LedgerCommand command, out string? reason);
        return (ok, command, reason);
    }

    [Fact]
    public void TryParse_KnownAccounts_ReusesTheTablesInstances()
    {
        var table = new AccountIdTable();
        string alice = new('a', 5);
        string bob = "bob";
        table.Add(alice);
        table.Add(bob);

        (bool ok, LedgerCommand command, _) = Parse(table, LedgerCommandKind.Transfer, """{"from":"aaaaa","to":"bob","amount":5}""");

        Assert.True(ok);
        Assert.Same(alice, command.Account);
        Assert.Same(bob, command.To);
    }

    [Fact]
    public void TryParse_UnknownAccount_ReturnsAnEqualNewStringAndDoesNotGrowTheTable()
    {
        var table = new AccountIdTable();
        table.Add("known");

        (bool ok, LedgerCommand command, _) = Parse(table, LedgerCommandKind.Deposit, """{"account":"stranger","amount":5}""");

        Assert.True(ok);
        Assert.Equal("stranger", command.Account);
        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void TryParse_EscapedIdOfAKnownAccount_UnescapesBeforeTheLookup()
    {
        var table = new AccountIdTable();
        string known = "Acc-\u00e9";
        table.Add(known);

        (bool ok, LedgerCommand command, _) = Parse(table, LedgerCommandKind.Open, """{"account":"\u0041cc-\u00e9"}""");

        Assert.True(ok);
        Assert.Same(known, command.Account);
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(64, true)]
    [InlineData(65, false)]
    public void TryParse_WithTable_EnforcesTheAccountLengthInScalarValuesLikeWithout(int scalars, bool accepted)
    {
        // Three-byte UTF-8 characters: 64 of them (192 bytes) take the slow path, and the limit is the same.
        string id = string.Concat(Enumerable.Repeat("\u20ac", scalars));
        string json = $$"""{"account":"{{id}}"}""";

        (bool withTable, _, string? reasonWithTable) = Parse(new AccountIdTable(), LedgerCommandKind.Open, json);
        bool without = LedgerCommandParser.TryParse(LedgerCommandKind.Open, Encoding.UTF8.GetBytes(json), out _, out string? reasonWithout);

        Assert.Equal(accepted, withTable);
        Assert.Equal(accepted, without);
        Assert.Equal(reasonWithout, reasonWithTable);
    }

    [Theory]
    [InlineData("""{"account":""}""")]
    [InlineData("""{"account":"a","account":"b"}""")]
    [InlineData("""{"account":7}""")]
    public void TryParse_WithTable_MalformedAccountIsRejected(string json)
    {
        (bool ok, _, string? reason) = Parse(new AccountIdTable(), LedgerCommandKind.Open, json);

        Assert.False(ok);
        Assert.Equal(RejectReason.MalformedPayload, reason);
    }

    [Fact]
    public void TryParse_SurrogatePairIds_CountEachPairAsOneScalar()
    {
        string id = string.Concat(Enumerable.Repeat("\U0001F600", 64)); // 64 scalars, 128 UTF-16 chars, 256 bytes

        (bool ok, LedgerCommand command, _) = Parse(new AccountIdTable(), LedgerCommandKind.Open, $$"""{"account":"{{id}}"}""");

        Assert.True(ok);
        Assert.Equal(id, command.Account);
    }

    [Fact]
    public void Add_Null_Throws()
    {
        var table = new AccountIdTable();

        Assert.Throws<ArgumentNullException>(() => table.Add(null!));
    }
}
