using System;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
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
        table.Add(alice, 0);
        table.Add(bob, 1);

        (bool ok, LedgerCommand command, _) = Parse(table, LedgerCommandKind.Transfer, """{"from":"aaaaa","to":"bob","amount":5}""");

        Assert.True(ok);
        Assert.Same(alice, command.Account);
        Assert.Same(bob, command.To);
    }

    [Fact]
    public void TryParse_UnknownAccount_ReturnsAnEqualNewStringAndDoesNotGrowTheTable()
    {
        var table = new AccountIdTable();
        table.Add("known", 0);

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
        table.Add(known, 3);

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

        Assert.Throws<ArgumentNullException>(() => table.Add(null!, 0));
    }

    [Fact]
    public void Add_NegativeSlot_Throws()
    {
        var table = new AccountIdTable();

        Assert.Throws<ArgumentOutOfRangeException>(() => table.Add("a", -1));
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void Add_SameIdTwice_KeepsTheFirstInstanceAndSlot()
    {
        var table = new AccountIdTable();
        string first = new('x', 3);
        table.Add(first, 4);
        table.Add(new string('x', 3), 9);

        Assert.True(table.TryGet("xxx"u8, out string id, out int slot));
        Assert.Same(first, id);
        Assert.Equal(4, slot);
        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void TryGet_ManyIdsAcrossGrowth_FindsEachWithItsSlotAndMissesOthers()
    {
        var table = new AccountIdTable();
        string[] ids = Enumerable.Range(0, 20_000).Select(i => $"acct-{i:D6}-\u00e9").ToArray();
        for (int i = 0; i < ids.Length; i++)
        {
            table.Add(ids[i], i);
        }

        Assert.Equal(ids.Length, table.Count);
        for (int i = 0; i < ids.Length; i++)
        {
            Assert.True(table.TryGet(Encoding.UTF8.GetBytes(ids[i]), out string id, out int slot));
            Assert.Same(ids[i], id);
            Assert.Equal(i, slot);
        }

        Assert.False(table.TryGet("acct-020000-\u00e9"u8, out _, out int missing));
        Assert.Equal(-1, missing);
        Assert.False(table.TryGet("acct-000001"u8, out _, out _)); // a prefix of a known id
        Assert.False(table.TryGet(ReadOnlySpan<byte>.Empty, out _, out _));
    }

    [Fact]
    public void TryGet_LongIdBeyondTheStackBuffer_IsFound()
    {
        var table = new AccountIdTable();
        string id = new('\u20ac', 300); // 900 UTF-8 bytes: longer than any valid account id, the table takes it anyway
        table.Add(id, 0);

        Assert.True(table.TryGet(Encoding.UTF8.GetBytes(id), out string found, out _));
        Assert.Same(id, found);
    }

    [Fact(Timeout = 30_000)]
    public async Task TryGet_WhileTheWriterAddsAndGrows_NeverReturnsAWrongIdOrSlot()
    {
        var table = new AccountIdTable();
        const int Ids = 50_000;
        string[] ids = Enumerable.Range(0, Ids).Select(i => "id-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        byte[][] utf8 = ids.Select(Encoding.UTF8.GetBytes).ToArray();
        int added = 0;

        var writer = Task.Run(() =>
        {
            for (int i = 0; i < Ids; i++)
            {
                table.Add(ids[i], i);
                Volatile.Write(ref added, i + 1);
            }
        });
        var reader = Task.Run(() =>
        {
            var random = new Random(7);
            long checks = 0;
            while (Volatile.Read(ref added) < Ids || checks < 100_000)
            {
                int known = Volatile.Read(ref added);
                int k = random.Next(Ids);
                bool found = table.TryGet(utf8[k], out string id, out int slot);
                if (k < known && !found)
                {
                    throw new InvalidOperationException($"id {k} was added but not found");
                }

                if (found && (!ReferenceEquals(id, ids[k]) || slot != k))
                {
                    throw new InvalidOperationException($"id {k} came back as '{id}' at slot {slot}");
                }

                checks++;
            }
        });

        await Task.WhenAll(writer, reader);

        Assert.Equal(Ids, table.Count);
    }

    [Fact]
    public void TryParse_KnownAccounts_GiveTheirSlotsAsHints()
    {
        var table = new AccountIdTable();
        table.Add("alice", 7);
        table.Add("bob", 2);

        bool transfer = LedgerCommandParser.TryParse(LedgerCommandKind.Transfer, """{"from":"alice","to":"bob","amount":5}"""u8, table, out _, out AccountHints transferHints, out _);
        bool deposit = LedgerCommandParser.TryParse(LedgerCommandKind.Deposit, """{"amount":5,"account":"bob"}"""u8, table, out _, out AccountHints depositHints, out _);
        bool unknown = LedgerCommandParser.TryParse(LedgerCommandKind.Transfer, """{"from":"carol","to":"alice","amount":5}"""u8, table, out _, out AccountHints unknownHints, out _);
        bool escaped = LedgerCommandParser.TryParse(LedgerCommandKind.Withdraw, """{"account":"\u0062ob","amount":5}"""u8, table, out _, out AccountHints escapedHints, out _);

        Assert.True(transfer && deposit && unknown && escaped);
        Assert.Equal(new AccountHints(7, 2), transferHints);
        Assert.Equal(new AccountHints(2, -1), depositHints);
        Assert.Equal(new AccountHints(-1, 7), unknownHints);
        Assert.Equal(new AccountHints(2, -1), escapedHints);
    }

    [Fact]
    public void TryParse_Refused_GivesNoHints()
    {
        var table = new AccountIdTable();
        table.Add("alice", 0);

        bool ok = LedgerCommandParser.TryParse(LedgerCommandKind.Deposit, """{"account":"alice","amount":0}"""u8, table, out _, out AccountHints hints, out string? reason);

        Assert.False(ok);
        Assert.Equal(RejectReason.InvalidAmount, reason);
        Assert.Equal(AccountHints.None, hints);
    }

    [Fact]
    public void TryParse_InvalidUtf8InAnId_IsMalformedWithOrWithoutTheTable()
    {
        var table = new AccountIdTable();
        table.Add("ab", 0);
        byte[] json = [.. "{\"account\":\"a"u8, 0xFF, .. "\"}"u8];

        bool withTable = LedgerCommandParser.TryParse(LedgerCommandKind.Open, json, table, out _, out string? reasonWithTable);
        bool without = LedgerCommandParser.TryParse(LedgerCommandKind.Open, json, out _, out string? reasonWithout);

        Assert.False(withTable);
        Assert.False(without);
        Assert.Equal(RejectReason.MalformedPayload, reasonWithTable);
        Assert.Equal(RejectReason.MalformedPayload, reasonWithout);
    }
}
