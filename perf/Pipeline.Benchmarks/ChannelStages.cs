using System.Runtime.CompilerServices;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace Pipeline.Benchmarks;

/// <summary>
/// The Channels baselines' building blocks: the idiomatic reader loop (WaitToReadAsync, then TryRead while
/// items are there), forwarding stages that write with TryWrite and fall back to WriteAsync when full, and a
/// synchronous producer write for the benchmark thread.
/// </summary>
internal static class ChannelStages
{
    public static BoundedChannelOptions Options(int capacity, bool singleWriter) => new(capacity)
    {
        SingleReader = true,
        SingleWriter = singleWriter,
        FullMode = BoundedChannelFullMode.Wait,
        AllowSynchronousContinuations = false,
    };

    /// <summary>Writes from a dedicated (non-async) producer thread: TryWrite, else block on WriteAsync.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(ChannelWriter<long> writer, long item)
    {
        if (!writer.TryWrite(item))
        {
            WriteSlow(writer, item);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void WriteSlow(ChannelWriter<long> writer, long item)
    {
        ValueTask write = writer.WriteAsync(item);
        if (write.IsCompleted)
        {
            write.GetAwaiter().GetResult();
        }
        else
        {
            write.AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>The last consumer: sums the items and sets the signal when it has seen the armed count.</summary>
    public static async Task ConsumeAsync(ChannelReader<long> reader, CompletionSignal signal)
    {
        long count = 0;
        long sum = 0;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out long item))
            {
                sum += item;
                if (++count == signal.Target)
                {
                    signal.Set();
                }
            }
        }

        return;
    }

    /// <summary>An intermediate stage: forwards item + 1.</summary>
    public static async Task ForwardAsync(ChannelReader<long> reader, ChannelWriter<long> writer)
    {
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out long item))
            {
                if (!writer.TryWrite(item + 1))
                {
                    await writer.WriteAsync(item + 1).ConfigureAwait(false);
                }
            }
        }

        writer.TryComplete();
    }

    /// <summary>Diamond stage A: forwards item + 1 to both branches.</summary>
    public static async Task FanOutAsync(ChannelReader<long> reader, ChannelWriter<long> left, ChannelWriter<long> right)
    {
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out long item))
            {
                long value = item + 1;
                if (!left.TryWrite(value))
                {
                    await left.WriteAsync(value).ConfigureAwait(false);
                }

                if (!right.TryWrite(value))
                {
                    await right.WriteAsync(value).ConfigureAwait(false);
                }
            }
        }

        left.TryComplete();
        right.TryComplete();
    }

    /// <summary>Diamond stages B and C: forward item times <paramref name="factor"/>.</summary>
    public static async Task BranchAsync(ChannelReader<long> reader, ChannelWriter<long> writer, long factor)
    {
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out long item))
            {
                if (!writer.TryWrite(item * factor))
                {
                    await writer.WriteAsync(item * factor).ConfigureAwait(false);
                }
            }
        }

        writer.TryComplete();
    }

    /// <summary>Diamond stage D: takes one item from each branch per event, sums them, signals at the armed count.</summary>
    public static async Task JoinAsync(ChannelReader<long> left, ChannelReader<long> right, CompletionSignal signal)
    {
        long count = 0;
        long sum = 0;
        while (true)
        {
            long a;
            while (!left.TryRead(out a))
            {
                if (!await left.WaitToReadAsync().ConfigureAwait(false))
                {
                    return;
                }
            }

            long b;
            while (!right.TryRead(out b))
            {
                if (!await right.WaitToReadAsync().ConfigureAwait(false))
                {
                    return;
                }
            }

            sum += a + b;
            if (++count == signal.Target)
            {
                signal.Set();
            }
        }
    }
}
