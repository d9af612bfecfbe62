using System.Threading;
using System.Threading.Tasks;
using Pipeline.EventStore;
using Pipeline.Hosting.Engine;
using Xunit;

namespace Pipeline.Server.Tests.Engine;

public sealed class VisibilityGateTests
{
    [Fact]
    public void Reports_EachSideAlone_DoNotMoveTheHeadsPastTheOther()
    {
        var positions = new VisibleHead(10);
        var sequences = new VisibleHead(4);
        var gate = new VisibilityGate(positions, sequences);

        gate.Durable(25, 9); // the commands are durable, their events not yet in the file
        Assert.Equal((10, 4), (positions.Position, sequences.Position));

        gate.Stored(20, 8); // the file has part of them
        Assert.Equal((20, 8), (positions.Position, sequences.Position));

        gate.Stored(30, 11); // the file is ahead of the journal's durability now
        Assert.Equal((25, 9), (positions.Position, sequences.Position));

        gate.Durable(30, 11);
        Assert.Equal((30, 11), (positions.Position, sequences.Position));
    }

    [Fact]
    public void Reports_AnOlderPairAfterANewerOne_NeverMoveTheHeadsBack()
    {
        var positions = new VisibleHead(0);
        var sequences = new VisibleHead(0);
        var gate = new VisibilityGate(positions, sequences);
        gate.Durable(50, 20);
        gate.Stored(50, 20);

        gate.Durable(0, 0); // a batch of INVALID commands only: no position, sequence 0

        Assert.Equal((50, 20), (positions.Position, sequences.Position));
    }

    // Both sides race to the same end; whichever reports last sees both pairs, so the heads always reach it.
    [Fact(Timeout = 30_000)]
    public async Task Reports_FromTwoThreadsAtOnce_EndAtTheLowerOfTheLastReports()
    {
        for (int round = 0; round < 200; round++)
        {
            var positions = new VisibleHead(0);
            var sequences = new VisibleHead(0);
            var gate = new VisibilityGate(positions, sequences);
            using var start = new Barrier(2);
            Task durable = Task.Run(() =>
            {
                start.SignalAndWait();
                for (long i = 1; i <= 1000; i++)
                {
                    gate.Durable(i * 2, i);
                }
            });
            Task stored = Task.Run(() =>
            {
                start.SignalAndWait();
                for (long i = 1; i <= 1000; i++)
                {
                    gate.Stored(i * 2, i);
                }
            });

            await Task.WhenAll(durable, stored);

            Assert.Equal((2000, 1000), (positions.Position, sequences.Position));
        }
    }
}
