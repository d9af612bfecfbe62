using System;
using System.Linq;
using Xunit;

namespace Pipeline.LoadGen.Tests;

public sealed class OpenLoopScheduleTests
{
    private const long Frequency = 1_000_000_000; // nanosecond ticks, as Stopwatch on Linux

    [Theory]
    [InlineData(1_000, 0, 0)]
    [InlineData(1_000, 1, 1_000_000)]
    [InlineData(1_000, 2_500, 2_500_000_000)]
    [InlineData(3, 1, 333_333_333)]
    [InlineData(3, 3, 1_000_000_000)]
    [InlineData(250_000, 250_000, 1_000_000_000)]
    public void IntendedTime_CommandK_IsStartPlusKOverRate(double rate, long k, long expectedOffset)
    {
        var schedule = new OpenLoopSchedule(rate, startTimestamp: 5_000, Frequency, connections: 4);

        long intended = schedule.IntendedTime(k);

        Assert.Equal(5_000 + expectedOffset, intended);
    }

    [Fact]
    public void DueCount_BeforeStart_IsZeroAndAtStartTheFirstCommandIsDue()
    {
        var schedule = new OpenLoopSchedule(1_000, startTimestamp: 1_000_000, Frequency, connections: 2);

        Assert.Equal(0, schedule.DueCount(0));
        Assert.Equal(0, schedule.DueCount(999_999));
        Assert.Equal(1, schedule.DueCount(1_000_000));
        Assert.Equal(1, schedule.DueCount(1_999_999));
        Assert.Equal(2, schedule.DueCount(2_000_000));
    }

    [Theory]
    [InlineData(1_000)]
    [InlineData(3)]
    [InlineData(50_000)]
    [InlineData(1_500_000)]
    [InlineData(7_777.7)]
    public void DueCount_AnyNow_AgreesExactlyWithIntendedTimes(double rate)
    {
        var schedule = new OpenLoopSchedule(rate, startTimestamp: 123_456, Frequency, connections: 8);
        var random = new Random(42);

        for (int i = 0; i < 2_000; i++)
        {
            long now = 123_456 + random.NextInt64(0, 10 * Frequency);
            long due = schedule.DueCount(now);

            Assert.True(schedule.IntendedTime(due - 1) <= now, $"command {due - 1} is due at {now}");
            Assert.True(schedule.IntendedTime(due) > now, $"command {due} is not due yet at {now}");
        }
    }

    [Fact]
    public void DueCount_StepsOfOneMillisecond_GiveRateTimesOneMillisecondEach()
    {
        var schedule = new OpenLoopSchedule(100_000, startTimestamp: 0, Frequency, connections: 8);
        long previous = schedule.DueCount(0);

        for (long now = 1_000_000; now <= 10 * Frequency / 1000; now += 1_000_000)
        {
            long due = schedule.DueCount(now);

            Assert.Equal(100, due - previous);
            previous = due;
        }
    }

    [Fact]
    public void CountBefore_End_CountsCommandsIntendedStrictlyBeforeIt()
    {
        var schedule = new OpenLoopSchedule(1_000, startTimestamp: 0, Frequency, connections: 3);

        Assert.Equal(0, schedule.CountBefore(0));
        Assert.Equal(1, schedule.CountBefore(1));
        Assert.Equal(1_000, schedule.CountBefore(Frequency));
        Assert.Equal(1_001, schedule.CountBefore(Frequency + 1));
    }

    [Fact]
    public void ConnectionOf_ConsecutiveCommands_GoRoundRobinAndCommandOfIsItsInverse()
    {
        var schedule = new OpenLoopSchedule(1_000, startTimestamp: 0, Frequency, connections: 3);

        Assert.Equal([0, 1, 2, 0, 1, 2, 0], new[] { 0L, 1, 2, 3, 4, 5, 6 }.Select(schedule.ConnectionOf));
        for (int c = 0; c < 3; c++)
        {
            for (long nth = 0; nth < 50; nth++)
            {
                long k = schedule.CommandOf(c, nth);
                Assert.Equal(c, schedule.ConnectionOf(k));
                Assert.Equal(nth, k / 3);
            }
        }
    }

    [Fact]
    public void CountOf_FirstCommands_CountsThoseOfTheConnection()
    {
        var schedule = new OpenLoopSchedule(1_000, startTimestamp: 0, Frequency, connections: 3);

        for (long count = 0; count < 20; count++)
        {
            for (int c = 0; c < 3; c++)
            {
                long expected = Enumerable.Range(0, (int)count).Count(k => schedule.ConnectionOf(k) == c);
                Assert.Equal(expected, schedule.CountOf(c, count));
            }
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NaN)]
    public void Constructor_RateNotPositiveAndFinite_Throws(double rate)
    {
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => new OpenLoopSchedule(rate, 0, Frequency, 1));
    }
}
