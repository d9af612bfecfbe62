using System.Collections.Generic;
using System.Linq;
using System.Text;
using Pipeline.Peers;
using Xunit;

namespace Pipeline.Peers.Tests;

public class PeerWorkloadTests
{
    [Fact]
    public void Each_connection_writes_only_its_own_accounts()
    {
        for (int c = 0; c < 4; c++)
        {
            var workload = new PeerWorkload(seed: 1, accounts: 100, connection: c, connections: 4, size: 500);
            for (int i = 0; i < 500; i++)
            {
                PeerEvent e = workload.Next();
                int account = int.Parse(e.Stream["account-acc-".Length..], System.Globalization.CultureInfo.InvariantCulture);
                Assert.Equal(c, account % 4);
            }
        }
    }

    [Fact]
    public void The_mix_has_every_event_type_in_the_ledgers_proportions()
    {
        var workload = new PeerWorkload(seed: 7, accounts: 1000, connection: 0, connections: 1, size: 10_000);
        var counts = new Dictionary<string, int>();
        for (int i = 0; i < 10_000; i++)
        {
            string type = workload.Next().Type;
            counts[type] = counts.GetValueOrDefault(type) + 1;
        }

        Assert.InRange(counts["ledger.deposited"], 3700, 4300);
        Assert.InRange(counts["ledger.withdrawn"], 2700, 3300);
        Assert.InRange(counts["ledger.transferred"], 2200, 2800);
        Assert.InRange(counts["ledger.opened"], 350, 650);
    }

    [Fact]
    public void The_same_seed_gives_the_same_events_and_the_cycle_wraps()
    {
        var a = new PeerWorkload(seed: 3, accounts: 50, connection: 1, connections: 2, size: 10);
        var b = new PeerWorkload(seed: 3, accounts: 50, connection: 1, connections: 2, size: 10);
        PeerEvent[] first = [.. Enumerable.Range(0, 10).Select(_ => a.Next())];
        for (int i = 0; i < 10; i++)
        {
            PeerEvent e = b.Next();
            Assert.Equal(first[i].Stream, e.Stream);
            Assert.Equal(Encoding.UTF8.GetString(first[i].Data.Span), Encoding.UTF8.GetString(e.Data.Span));
        }

        Assert.Equal(first[0].Stream, a.Next().Stream);
    }

    [Fact]
    public void Probe_events_go_to_the_probe_stream()
    {
        PeerEvent probe = PeerWorkload.Probe(41);
        Assert.Equal(PeerWorkload.ProbeStream, probe.Stream);
        Assert.Equal("{\"account\":\"probe\",\"amount\":42}", Encoding.UTF8.GetString(probe.Data.Span));
    }
}
