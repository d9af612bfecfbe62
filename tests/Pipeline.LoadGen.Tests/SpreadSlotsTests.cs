using System;
using System.Linq;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.LoadGen.Tests;

public sealed class SpreadSlotsTests
{
    private const long Frequency = 1_000_000_000; // nanosecond ticks, as Stopwatch on Linux
    private const long Millisecond = Frequency / 1000;

    [Fact]
    public void Offset_EightConnections_IsIOverNOfThePeriod()
    {
        var slots = new SpreadSlots(startTimestamp: 5_000, Millisecond, connections: 8);

        long[] offsets = [.. Enumerable.Range(0, 8).Select(slots.Offset)];

        Assert.Equal([0, 125_000, 250_000, 375_000, 500_000, 625_000, 750_000, 875_000], offsets);
    }

    [Fact]
    public void Offset_ConnectionsThatDoNotDivideThePeriod_AreDistinctAndWithinIt()
    {
        var slots = new SpreadSlots(startTimestamp: 0, periodTicks: 10_000, connections: 7);

        long[] offsets = [.. Enumerable.Range(0, 7).Select(slots.Offset)];

        Assert.Equal([0, 1_428, 2_857, 4_285, 5_714, 7_142, 8_571], offsets);
    }

    [Theory]
    [InlineData(0, 5_375_000)]              // before the first slot: the first slot
    [InlineData(5_375_000, 5_375_000)]      // on a slot: that slot
    [InlineData(5_375_001, 6_375_000)]      // just after one: the next, a period later
    [InlineData(7_374_999, 7_375_000)]
    [InlineData(7_375_000, 7_375_000)]
    public void FirstAtOrAfter_Connection3Of8_IsOnItsPhaseOfThePeriod(long time, long expected)
    {
        var slots = new SpreadSlots(startTimestamp: 5_000_000, Millisecond, connections: 8);

        long slot = slots.FirstAtOrAfter(3, time);

        Assert.Equal(expected, slot);
    }

    [Fact]
    public void FirstAtOrAfter_AnyTime_IsTheEarliestSlotNotBeforeIt()
    {
        var slots = new SpreadSlots(startTimestamp: 123_456, Millisecond, connections: 5);
        var random = new Random(42);

        for (int i = 0; i < 2_000; i++)
        {
            int connection = random.Next(5);
            long time = 123_456 + random.NextInt64(-Millisecond, 10 * Frequency);

            long slot = slots.FirstAtOrAfter(connection, time);

            Assert.True(slot >= time);
            Assert.Equal(0, (slot - 123_456 - slots.Offset(connection)) % Millisecond);
            Assert.True(slot - Millisecond < Math.Max(time, 123_456 + slots.Offset(connection)), $"{slot} is not the first at or after {time}");
        }
    }

    [Fact]
    public void For_ASchedule_SlotsOfOneMillisecondInItsClockFromItsStart()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UnixEpoch); // 100 ns ticks
        var schedule = new OpenLoopSchedule(10_000, startTimestamp: 777, clock.TimestampFrequency, connections: 4);

        SpreadSlots slots = SpreadSlots.For(schedule);

        Assert.Equal(10_000, slots.Period);
        Assert.Equal(777, slots.Start);
        Assert.Equal([0, 2_500, 5_000, 7_500], Enumerable.Range(0, 4).Select(slots.Offset));
    }

    [Fact]
    public void Constructor_PeriodOrConnectionsNotPositive_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpreadSlots(0, 0, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpreadSlots(0, Millisecond, 0));
    }
}
