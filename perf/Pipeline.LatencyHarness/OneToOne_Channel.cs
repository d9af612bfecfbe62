using System;
using System.Diagnostics;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace Pipeline.LatencyHarness;

/// <summary>
/// The baseline: 1 producer -> bounded Channel (SingleReader/SingleWriter, same capacity as the ring) -> a
/// reader task (WaitToReadAsync, then TryRead while items are there) recording latency.
/// </summary>
internal sealed class OneToOne_Channel : ILatencyScenario
{
    private Channel<LatencyEvent>? _channel;
    private Task? _consumer;

    public string Name => nameof(OneToOne_Channel);

    public string Threads => "producer: paced spin; consumer: async reader task on the thread pool";

    public void Start(LatencyRecorder recorder)
    {
        _channel = Channel.CreateBounded<LatencyEvent>(new BoundedChannelOptions(RingOneToOneScenario.BufferSize)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
            AllowSynchronousContinuations = false,
        });
        ChannelReader<LatencyEvent> reader = _channel.Reader;
        _consumer = Task.Run(() => ConsumeAsync(reader, recorder));
    }

    private static async Task ConsumeAsync(ChannelReader<LatencyEvent> reader, LatencyRecorder recorder)
    {
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out LatencyEvent item))
            {
                recorder.Record(item.SendTicks, item.IntendedTicks);
            }
        }
    }

    public void Publish(long intendedTicks)
    {
        var item = new LatencyEvent { SendTicks = Stopwatch.GetTimestamp(), IntendedTicks = intendedTicks };
        if (!_channel!.Writer.TryWrite(item))
        {
            _channel.Writer.WriteAsync(item).AsTask().GetAwaiter().GetResult();
        }
    }

    public void Dispose()
    {
        _channel?.Writer.TryComplete();
        _consumer?.Wait(TimeSpan.FromSeconds(5));
    }
}
