using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Pipeline.Core.Processing;
using Xunit;

namespace Pipeline.Core.Tests;

public sealed class FailureLogTests
{
    [Fact]
    public void Report_MoreThanCapacity_KeepsTheMostRecentOldestFirstAndCountsAll()
    {
        var log = new FailureLog(capacity: 3);

        for (long sequence = 0; sequence < 5; sequence++)
        {
            log.Report(new HandlerFailure(sequence, "h", new InvalidOperationException(), FailureAction.Continue));
        }

        Assert.Equal(5, log.Count);
        Assert.Equal([2L, 3L, 4L], log.Recent().Select(f => f.Sequence));
    }

    [Fact]
    public void Report_CallbackThrows_IsSwallowedAndStillCounted()
    {
        var seen = new List<long>();
        var log = new FailureLog(onFailure: f =>
        {
            seen.Add(f.Sequence);
            throw new InvalidOperationException("a broken callback");
        });

        Exception? thrown = Record.Exception(() => log.Report(new HandlerFailure(7, "h", new InvalidOperationException(), FailureAction.Halt)));

        Assert.Null(thrown);
        Assert.Equal([7L], seen);
        Assert.Equal(1, log.Count);
        Assert.Equal(FailureAction.Halt, Assert.Single(log.Recent()).Action);
    }

    [Fact]
    public void Recent_ReturnsACopy()
    {
        var log = new FailureLog();
        log.Report(new HandlerFailure(1, "h", new InvalidOperationException(), FailureAction.Continue));

        IReadOnlyList<HandlerFailure> before = log.Recent();
        log.Report(new HandlerFailure(2, "h", new InvalidOperationException(), FailureAction.Continue));

        Assert.Single(before);
        Assert.Equal(2, log.Recent().Count);
    }

    [Fact]
    public async Task Report_FromManyThreads_CountsEveryFailure()
    {
        var log = new FailureLog(capacity: 16);
        const int threads = 4;
        const int perThread = 1_000;

        var reporters = new Task[threads];
        for (int t = 0; t < threads; t++)
        {
            reporters[t] = TestThreads.Run(() =>
            {
                for (int i = 0; i < perThread; i++)
                {
                    log.Report(new HandlerFailure(i, "h", new InvalidOperationException(), FailureAction.Continue));
                }
            });
        }

        await Task.WhenAll(reporters).WaitAsync(TestTimeouts.Default);

        Assert.Equal(threads * perThread, log.Count);
        Assert.Equal(16, log.Recent().Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Constructor_NonPositiveCapacity_ThrowsArgumentOutOfRange(int capacity)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new FailureLog(capacity));

        Assert.Equal("capacity", exception.ParamName);
    }
}
