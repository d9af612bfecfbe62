using System;
using System.Text;
using System.Text.Json;
using Pipeline.Peers;
using Pipeline.Peers.Systems;
using Xunit;

namespace Pipeline.Peers.Tests;

public class LedgerEventMapperTests
{
    [Fact]
    public void ToEvent_Deposit_CarriesItsFieldsAndTheSendTimestamp()
    {
        var e = new PeerEvent("account-acc-3", "ledger.deposited", Json("""{"account":"acc-3","amount":250}"""), Timestamp: 123456789);

        ILedgerEvent typed = LedgerEventMapper.ToEvent(e);

        Assert.Equal(new Deposited("acc-3", 250, 123456789), typed);
    }

    [Fact]
    public void ToEvent_EveryTypeOfTheMix_GivesItsRecord()
    {
        Assert.Equal(new Withdrawn("acc-1", 7, 5), LedgerEventMapper.ToEvent(new PeerEvent("account-acc-1", "ledger.withdrawn", Json("""{"account":"acc-1","amount":7}"""), 5)));
        Assert.Equal(new Transferred("acc-1", "acc-9", 40, 6), LedgerEventMapper.ToEvent(new PeerEvent("account-acc-1", "ledger.transferred", Json("""{"from":"acc-1","to":"acc-9","amount":40}"""), 6)));
        Assert.Equal(new Opened("acc-2", 8), LedgerEventMapper.ToEvent(new PeerEvent("account-acc-2", "ledger.opened", Json("""{"account":"acc-2"}"""), 8)));
    }

    [Fact]
    public void ToEvent_TheWorkloadsOwnEvents_AllMap()
    {
        var workload = new PeerWorkload(seed: 5, accounts: 100, connection: 0, connections: 1, size: 2000);

        for (int i = 0; i < 2000; i++)
        {
            PeerEvent e = workload.Next() with { Timestamp = i };
            Assert.Equal(i, LedgerEventMapper.ToEvent(e).Timestamp);
        }

        Assert.IsType<Deposited>(LedgerEventMapper.ToEvent(PeerWorkload.Probe(0)));
    }

    [Fact]
    public void ToEvent_UnknownType_ThrowsFormatException()
    {
        var e = new PeerEvent("account-acc-1", "ledger.frozen", Json("""{"account":"acc-1"}"""));

        Assert.Throws<FormatException>(() => LedgerEventMapper.ToEvent(e));
    }

    [Theory]
    [InlineData("""{"amount":5}""")]
    [InlineData("""{"account":null,"amount":5}""")]
    [InlineData("""{"account":"acc-1","amount":"five"}""")]
    [InlineData("""{"account":"acc-1","amount":5""")]
    [InlineData("null")]
    public void ToEvent_DataThatIsNotTheTypesJson_ThrowsJsonException(string json)
    {
        var e = new PeerEvent("account-acc-1", "ledger.deposited", Json(json));

        Assert.ThrowsAny<JsonException>(() => LedgerEventMapper.ToEvent(e));
    }

    private static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);
}
