using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Pipeline.LoadGen.Tests;

public sealed class MachineCpuWindowTests
{
    // Hands out the given readings in order and counts the calls.
    private sealed class Readings(params CpuTimes?[] readings)
    {
        private readonly Queue<CpuTimes?> _left = new(readings);

        public int Taken { get; private set; }

        public CpuTimes? Next()
        {
            Taken++;
            return _left.Dequeue();
        }
    }

    [Fact]
    public async Task MeasureAsync_BothTimestampsPassed_ReadsTwiceAndGivesTheSharesBetween()
    {
        TimeProvider time = TimeProvider.System;
        long now = time.GetTimestamp();
        var readings = new Readings(new CpuTimes(100, 100, 0, 2), new CpuTimes(160, 131, 9, 2));

        MachineCpuReport? report = await MachineCpuWindow.MeasureAsync(time, now - 10, now - 5, readings.Next, CancellationToken.None);

        Assert.Equal(new MachineCpuReport(60.0, 31.0, 9.0, 2), report);
        Assert.Equal(2, readings.Taken);
    }

    [Fact]
    public async Task MeasureAsync_EndInTheFuture_WaitsForIt()
    {
        TimeProvider time = TimeProvider.System;
        long now = time.GetTimestamp();
        long end = now + (time.TimestampFrequency / 10);
        var readings = new Readings(new CpuTimes(0, 0, 0, 1), new CpuTimes(1, 1, 0, 1));

        MachineCpuReport? report = await MachineCpuWindow.MeasureAsync(time, now, end, readings.Next, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(time.GetTimestamp() >= end);
        Assert.Equal(new MachineCpuReport(50.0, 50.0, 0.0, 1), report);
    }

    [Fact]
    public async Task MeasureAsync_CancelledBeforeTheStart_ReadsNothingAndIsNull()
    {
        TimeProvider time = TimeProvider.System;
        var readings = new Readings();
        using var cancel = new CancellationTokenSource();

        Task<MachineCpuReport?> measuring = MachineCpuWindow.MeasureAsync(time, time.GetTimestamp() + (time.TimestampFrequency * 3600), long.MaxValue, readings.Next, cancel.Token);
        await cancel.CancelAsync();

        Assert.Null(await measuring.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, readings.Taken);
    }

    [Fact]
    public async Task MeasureAsync_NoSetEndAndCancelled_EndsTheWindowThen()
    {
        TimeProvider time = TimeProvider.System;
        var readings = new Readings(new CpuTimes(0, 0, 0, 2), new CpuTimes(3, 1, 0, 2));
        using var cancel = new CancellationTokenSource();

        Task<MachineCpuReport?> measuring = MachineCpuWindow.MeasureAsync(time, time.GetTimestamp(), long.MaxValue, readings.Next, cancel.Token);
        await Task.Delay(20);
        Assert.False(measuring.IsCompleted);
        await cancel.CancelAsync();

        Assert.Equal(new MachineCpuReport(75.0, 25.0, 0.0, 2), await measuring.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(2, readings.Taken);
    }

    [Fact]
    public async Task MeasureAsync_NoReadingAvailable_IsNull()
    {
        TimeProvider time = TimeProvider.System;
        long now = time.GetTimestamp();
        var readings = new Readings([null]);

        Assert.Null(await MachineCpuWindow.MeasureAsync(time, now, now, readings.Next, CancellationToken.None));
        Assert.Equal(1, readings.Taken);
    }
}
