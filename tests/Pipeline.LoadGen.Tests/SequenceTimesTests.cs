using System.Threading.Tasks;
using Xunit;

namespace Pipeline.LoadGen.Tests;

public sealed class SequenceTimesTests
{
    [Fact]
    public void TryGet_Recorded_GivesBothTimes()
    {
        var times = new SequenceTimes();

        Assert.True(times.Record(5, sentTimestamp: 100, ackTimestamp: 250));

        Assert.True(times.TryGet(5, out long sent, out long acked));
        Assert.Equal(100, sent);
        Assert.Equal(250, acked);
    }

    [Fact]
    public void TryGet_NotRecorded_IsFalseInAnAllocatedChunkAndInAnEmptyOne()
    {
        var times = new SequenceTimes();
        times.Record(1, 10, 20);

        Assert.False(times.TryGet(2, out _, out _));
        Assert.False(times.TryGet(SequenceTimes.ChunkLength * 3L, out _, out _));
    }

    [Fact]
    public void Record_OutsideTheCapacity_IsRefusedAndNeverFound()
    {
        var times = new SequenceTimes(capacity: 10);

        Assert.Equal(SequenceTimes.ChunkLength, times.Capacity);
        Assert.False(times.Record(SequenceTimes.ChunkLength, 1, 2));
        Assert.False(times.Record(-1, 1, 2));
        Assert.False(times.TryGet(SequenceTimes.ChunkLength, out _, out _));
        Assert.False(times.TryGet(-1, out _, out _));
    }

    [Fact]
    public void Record_FromSeveralThreadsIntoTheSameChunks_KeepsEveryValue()
    {
        var times = new SequenceTimes();
        const int Threads = 4;
        const int PerThread = 50_000;

        Parallel.For(0, Threads, t =>
        {
            for (long s = t; s < (long)Threads * PerThread; s += Threads)
            {
                times.Record(s, s + 1, s + 2);
            }
        });

        for (long s = 0; s < (long)Threads * PerThread; s++)
        {
            Assert.True(times.TryGet(s, out long sent, out long acked));
            Assert.Equal(s + 1, sent);
            Assert.Equal(s + 2, acked);
        }
    }
}
