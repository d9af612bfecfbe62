using System;
using System.Buffers;
using System.Collections.Generic;
using System.Text.Json;

namespace Pipeline.Streams.Hosting;

/// <summary>Factories of <see cref="StreamDefinition{TEvent}"/>.</summary>
public static class StreamDefinitions
{
    /// <summary>
    /// A windowed flow whose results are events: one per key and window (<paramref name="top"/> 0), or one per
    /// window with the <paramref name="top"/> keys ranked by <paramref name="rank"/>.
    /// </summary>
    /// <param name="name">The stream's name: the stored type and stream id of its results.</param>
    /// <param name="plan">
    /// Builds the flow's plan around the late sink it is given (pass it to <c>Window(..., lateSink: late)</c>; a
    /// flow that cannot have late events may ignore it).
    /// </param>
    /// <param name="writeValue">Writes a result's value as JSON.</param>
    /// <param name="keyText">A key as text (default: <c>ToString()</c>, invariant for numbers); unused for global windows.</param>
    /// <param name="writeLate">Writes a late event as JSON (the late output's <c>event</c>), or null to store its time only.</param>
    /// <param name="top">0: every key's result; N: one result per window with the N first keys by <paramref name="rank"/>.</param>
    /// <param name="rank">With <paramref name="top"/>: orders two results, the one to keep first (ties: the key seen first in the window wins).</param>
    public static StreamDefinition<TEvent> Windowed<TEvent, TLate, TKey, TOut>(
        string name,
        Func<ISink<TLate>, FlowPlan<TEvent, WindowResult<TKey, TOut>>> plan,
        JsonValueWriter<TOut> writeValue,
        Func<TKey, string>? keyText = null,
        JsonValueWriter<TLate>? writeLate = null,
        int top = 0,
        Comparison<TOut>? rank = null)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(writeValue);
        ArgumentOutOfRangeException.ThrowIfNegative(top);
        if (top > 0 && rank is null)
        {
            throw new ArgumentException("A top list needs a rank.", nameof(rank));
        }

        return new WindowedStream<TEvent, TLate, TKey, TOut>(name, plan, writeValue, keyText ?? DefaultKeyText, writeLate, top, rank);

        static string DefaultKeyText(TKey key) => key is IFormattable formattable
            ? formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture)
            : key.ToString() ?? string.Empty;
    }
}

internal sealed class WindowedStream<TEvent, TLate, TKey, TOut>(
    string name,
    Func<ISink<TLate>, FlowPlan<TEvent, WindowResult<TKey, TOut>>> plan,
    JsonValueWriter<TOut> writeValue,
    Func<TKey, string> keyText,
    JsonValueWriter<TLate>? writeLate,
    int top,
    Comparison<TOut>? rank) : StreamDefinition<TEvent>(name)
    where TKey : notnull
{
    public override int Top => top;

    private JsonValueWriter<TOut> WriteValue { get; } = writeValue;

    private Func<TKey, string> KeyText { get; } = keyText;

    private JsonValueWriter<TLate>? WriteLateValue { get; } = writeLate;

    private Comparison<TOut>? Rank { get; } = rank;

    public override RunningStream<TEvent> Start(IStreamOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var running = new Running(this, output);
        running.Flow = plan(running.LateSink).Build(running);
        return running;
    }

    // The JSON writer holds no unmanaged resource: it writes into a buffer the running stream owns.
#pragma warning disable CA1001
    private sealed class Running : RunningStream<TEvent>, ISink<WindowResult<TKey, TOut>>
    {
        private static readonly bool IsGlobal = typeof(TKey) == typeof(GlobalKey);
        private readonly WindowedStream<TEvent, TLate, TKey, TOut> _definition;
        private readonly IStreamOutput _output;
        private readonly ArrayBufferWriter<byte> _buffer = new(256);
        private readonly Utf8JsonWriter _json;
        private readonly TopList? _top;

        public Running(WindowedStream<TEvent, TLate, TKey, TOut> definition, IStreamOutput output)
        {
            _definition = definition;
            _output = output;
            _json = new Utf8JsonWriter(_buffer);
            LateSink = new LateOutput(this);
            _top = definition.Top > 0 ? new TopList(definition.Top, definition.Rank!) : null;
        }

        public IFlow<TEvent> Flow { get; set; } = null!;

        public ISink<TLate> LateSink { get; }

        public override StreamDefinition<TEvent> Definition => _definition;

        public override bool HasPendingWindows => Flow.HasPendingWindows;

        public override long LateEventCount => Flow.LateEventCount;

        public override void OnEvent(in TEvent value, long eventTime)
        {
            Flow.OnEvent(value, eventTime);
            FlushTop();
        }

        public override void OnTick(long time)
        {
            Flow.OnTick(time);
            FlushTop();
        }

        public override void Snapshot(IBufferWriter<byte> output) => Flow.Snapshot(output);

        public override void Restore(ReadOnlySpan<byte> snapshot) => Flow.Restore(snapshot);

        public void OnNext(in WindowResult<TKey, TOut> value, long eventTime)
        {
            if (_top is not null)
            {
                if (_top.Count > 0 && (_top.Start != value.Start || _top.End != value.End))
                {
                    FlushTop();
                }

                _top.Offer(value);
                return;
            }

            Begin();
            string? key = IsGlobal ? null : _definition.KeyText(value.Key);
            if (key is not null)
            {
                _json.WriteString("key"u8, key);
            }

            WriteWindow(value.Start, value.End, value.Revision);
            _json.WritePropertyName("value"u8);
            _definition.WriteValue(_json, value.Value);
            _json.WriteEndObject();
            _json.Flush();
            _output.Result(_definition, key, value.End, _buffer.WrittenSpan);
        }

        private void FlushTop()
        {
            if (_top is null || _top.Count == 0)
            {
                return;
            }

            Begin();
            WriteWindow(_top.Start, _top.End, revision: 0);
            _json.WriteStartArray("top"u8);
            foreach (WindowResult<TKey, TOut> result in _top.Ranked())
            {
                _json.WriteStartObject();
                _json.WriteString("key"u8, _definition.KeyText(result.Key));
                _json.WritePropertyName("value"u8);
                _definition.WriteValue(_json, result.Value);
                _json.WriteEndObject();
            }

            _json.WriteEndArray();
            _json.WriteEndObject();
            _json.Flush();
            long end = _top.End;
            _top.Clear();
            _output.Result(_definition, null, end, _buffer.WrittenSpan);
        }

        private void Begin()
        {
            _buffer.ResetWrittenCount();
            _json.Reset(_buffer);
            _json.WriteStartObject();
        }

        private void WriteWindow(long start, long end, int revision)
        {
            WriteTime("start"u8, start);
            WriteTime("end"u8, end);
            _json.WriteNumber("revision"u8, revision);
        }

        private void WriteTime(ReadOnlySpan<byte> property, long ticks)
        {
            // Event time is .NET ticks (the journal's): written as UTC ISO 8601, or as the number when out of range.
            if (ticks >= 0 && ticks <= DateTime.MaxValue.Ticks)
            {
                _json.WriteString(property, new DateTime(ticks, DateTimeKind.Utc));
            }
            else
            {
                _json.WriteNumber(property, ticks);
            }
        }

        private void WriteLate(in TLate value, long eventTime)
        {
            Begin();
            WriteTime("time"u8, eventTime);
            if (_definition.WriteLateValue is not null)
            {
                _json.WritePropertyName("event"u8);
                _definition.WriteLateValue(_json, value);
            }

            _json.WriteEndObject();
            _json.Flush();
            _output.Late(_definition, _buffer.WrittenSpan);
        }

        private sealed class LateOutput(Running owner) : ISink<TLate>
        {
            public void OnNext(in TLate value, long eventTime) => owner.WriteLate(value, eventTime);
        }
    }

#pragma warning restore CA1001

    /// <summary>The N best results of one window: a bounded heap, so a window over a million keys costs O(keys log N), not a sort.</summary>
    private sealed class TopList(int capacity, Comparison<TOut> rank)
    {
        private readonly (WindowResult<TKey, TOut> Result, long Arrival)[] _heap = new (WindowResult<TKey, TOut>, long)[capacity];
        private long _arrival;

        public int Count { get; private set; }

        public long Start { get; private set; }

        public long End { get; private set; }

        public void Offer(in WindowResult<TKey, TOut> result)
        {
            if (Count == 0)
            {
                Start = result.Start;
                End = result.End;
            }

            var item = (result, _arrival++);
            if (Count < _heap.Length)
            {
                _heap[Count] = item;
                SiftUp(Count++);
            }
            else if (Better(item, _heap[0]))
            {
                _heap[0] = item;
                SiftDown(0);
            }
        }

        public IEnumerable<WindowResult<TKey, TOut>> Ranked()
        {
            var items = new (WindowResult<TKey, TOut> Result, long Arrival)[Count];
            Array.Copy(_heap, items, Count);
            Array.Sort(items, (a, b) => Better(a, b) ? -1 : Better(b, a) ? 1 : 0);
            foreach ((WindowResult<TKey, TOut> result, long _) in items)
            {
                yield return result;
            }
        }

        public void Clear()
        {
            Array.Clear(_heap, 0, Count);
            Count = 0;
            _arrival = 0;
        }

        // The heap's root is the worst kept result.
        private bool Better((WindowResult<TKey, TOut> Result, long Arrival) a, (WindowResult<TKey, TOut> Result, long Arrival) b)
        {
            int order = rank(a.Result.Value, b.Result.Value);
            return order < 0 || (order == 0 && a.Arrival < b.Arrival);
        }

        private void SiftUp(int i)
        {
            while (i > 0)
            {
                int parent = (i - 1) / 2;
                if (!Better(_heap[parent], _heap[i]))
                {
                    break;
                }

                (_heap[parent], _heap[i]) = (_heap[i], _heap[parent]);
                i = parent;
            }
        }

        private void SiftDown(int i)
        {
            while (true)
            {
                int left = (2 * i) + 1;
                int worst = i;
                if (left < Count && Better(_heap[worst], _heap[left]))
                {
                    worst = left;
                }

                if (left + 1 < Count && Better(_heap[worst], _heap[left + 1]))
                {
                    worst = left + 1;
                }

                if (worst == i)
                {
                    return;
                }

                (_heap[worst], _heap[i]) = (_heap[i], _heap[worst]);
                i = worst;
            }
        }
    }
}
