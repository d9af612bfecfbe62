using Pipeline.Ledger;
using Pipeline.Hosting.Engine;
using Xunit;

namespace Pipeline.Server.Tests.Engine;

public sealed class ProducerTableTests
{
    [Fact]
    public void Set_ThenUpdates_KeepsTheLatestRecordPerProducer()
    {
        var table = new ProducerTable();

        table.Set(7, 1, 100);
        table.Set(8, 5, 101);
        table.Set(7, 2, 102);

        Assert.True(table.TryGet(7, out ProducerRecord seven));
        Assert.Equal(new ProducerRecord(2, 102), seven);
        Assert.Equal(2UL, table.LastProducerSequence(7));
        Assert.Equal(5UL, table.LastProducerSequence(8));
        Assert.Equal(2, table.Count);
    }

    [Fact]
    public void Lookup_UnknownProducer_IsAbsentAndZero()
    {
        var table = new ProducerTable();

        Assert.False(table.TryGet(9, out ProducerRecord record));
        Assert.Equal(default, record);
        Assert.Equal(0UL, table.LastProducerSequence(9));
    }
}
