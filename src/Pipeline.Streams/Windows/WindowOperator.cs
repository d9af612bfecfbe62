using System;
using System.Buffers;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Pipeline.Streams.Operators;

/// <summary>Tumbling or sliding event-time windows, keyed (or global with <see cref="GlobalKey"/>), kept as panes.</summary>
/// <remarks>
/// State is dense: a ring of pane rows, each row one accumulator (and the arrival number of its first event) per key
/// slot. Pane p lives in row p mod rows; a row is reused only once its pane is older than every open window, which
/// the row count (size + lateness) / pane + 3 guarantees (see docs/streams.md, "Memory: panes"). Keys get slots in
/// first-seen order and keep them, so memory is keys ever seen x rows.
/// </remarks>
internal sealed class WindowOperator<T, TKey, TAcc, TOut> : Operator<T>
    where TKey : notnull
    where TAcc : struct
{
    private const int InitialKeyCapacity = 16;

    private readonly Func<T, TKey> _keySelector;
    private readonly IAccumulator<T, TAcc, TOut> _accumulator;
    private readonly ISink<WindowResult<TKey, TOut>> _sink;
    private readonly ISink<T>? _lateSink;
    private readonly IStateSerializer<TKey>? _keySerializer;
    private readonly IStateSerializer<TAcc>? _accumulatorSerializer;
    private readonly long _size;
    private readonly long _slide;
    private readonly long _pane;
    private readonly long _lateness;
    private readonly int _rowCount;

    private readonly Dictionary<TKey, int> _slots = new();
    private readonly TAcc[][] _rows;
    private readonly long[][] _firstArrival;
    private readonly long[] _rowPane;
    private TKey[] _keys;
    private int _keyCount;

    // Scratch for closing a window, sized with the key slots so emitting allocates nothing.
    private TAcc[] _merged;
    private long[] _mergedArrival;
    private long[] _orderArrival;
    private int[] _orderSlot;

    private bool _started;
    private long _maxSeen;
    private long _maxData = long.MinValue;
    private long _nextEnd;
    private long _arrival;
    private long _lateCount;

    public WindowOperator(
        WindowSpec spec,
        long lateness,
        Func<T, TKey> keySelector,
        IAccumulator<T, TAcc, TOut> accumulator,
        IStateSerializer<TKey>? keySerializer,
        IStateSerializer<TAcc>? accumulatorSerializer,
        ISink<WindowResult<TKey, TOut>> sink,
        ISink<T>? lateSink)
    {
        _size = spec.Size;
        _slide = spec.Slide;
        _pane = spec.Pane;
        _lateness = lateness;
        _keySelector = keySelector;
        _accumulator = accumulator;
        _keySerializer = keySerializer;
        _accumulatorSerializer = accumulatorSerializer;
        _sink = sink;
        _lateSink = lateSink;

        long rows = (_size + lateness) / _pane + 3;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, Array.MaxLength / 2, "(size + lateness) / pane");
        _rowCount = (int)rows;
        _rows = new TAcc[_rowCount][];
        _firstArrival = new long[_rowCount][];
        _rowPane = new long[_rowCount];
        for (int i = 0; i < _rowCount; i++)
        {
            _rows[i] = new TAcc[InitialKeyCapacity];
            _firstArrival[i] = new long[InitialKeyCapacity];
            _rowPane[i] = long.MinValue;
        }

        _keys = new TKey[InitialKeyCapacity];
        _merged = new TAcc[InitialKeyCapacity];
        _mergedArrival = new long[InitialKeyCapacity];
        _orderArrival = new long[InitialKeyCapacity];
        _orderSlot = new int[InitialKeyCapacity];
    }

    public override long LateEventCount => _lateCount;

    public override void OnEvent(in T value, long eventTime)
    {
        Advance(eventTime);

        // Windows end at whole multiples of the slide (plus the size), so "its first window has ended at or before
        // the watermark" is the same as "its first window ends before the next window still to close".
        if (WindowMath.FirstEndAfter(eventTime, _size, _slide) < _nextEnd)
        {
            OnLateSlow(value, eventTime);
            return;
        }

        int slot = SlotOf(_keySelector(value));
        int row = RowFor(WindowMath.FloorDiv(eventTime, _pane));
        ref long first = ref _firstArrival[row][slot];
        ref TAcc accumulator = ref _rows[row][slot];
        if (first == 0)
        {
            first = ++_arrival;
            accumulator = _accumulator.Create();
        }

        _accumulator.Add(ref accumulator, value);
        if (eventTime > _maxData)
        {
            _maxData = eventTime;
        }
    }

    public override void OnTick(long time) => Advance(time);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Advance(long time)
    {
        if (!_started)
        {
            _started = true;
            _maxSeen = time;
            _nextEnd = WindowMath.FirstEndAfter(time - _lateness, _size, _slide);
            return;
        }

        if (time > _maxSeen)
        {
            _maxSeen = time;
            if (_nextEnd <= time - _lateness)
            {
                CloseWindowsSlow(time - _lateness);
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CloseWindowsSlow(long watermark)
    {
        while (_nextEnd <= watermark)
        {
            if (_nextEnd - _size > _maxData)
            {
                // No accepted event is this recent, so every window from here to the watermark is empty:
                // jump instead of walking a long idle period window by window.
                _nextEnd = WindowMath.FirstEndAfter(watermark, _size, _slide);
                return;
            }

            Emit(_nextEnd);
            _nextEnd += _slide;
        }
    }

    private void Emit(long end)
    {
        long start = end - _size;
        long firstPane = WindowMath.FloorDiv(start, _pane);
        long endPane = WindowMath.FloorDiv(end, _pane);
        int keyCount = _keyCount;
        Array.Clear(_mergedArrival, 0, keyCount);

        // Panes in time order, so Merge always folds a later pane into an earlier one.
        for (long pane = firstPane; pane < endPane; pane++)
        {
            int row = WindowMath.Row(pane, _rowCount);
            if (_rowPane[row] != pane)
            {
                continue;
            }

            long[] arrivals = _firstArrival[row];
            TAcc[] accumulators = _rows[row];
            for (int slot = 0; slot < keyCount; slot++)
            {
                long arrival = arrivals[slot];
                if (arrival == 0)
                {
                    continue;
                }

                if (_mergedArrival[slot] == 0)
                {
                    _merged[slot] = accumulators[slot];
                    _mergedArrival[slot] = arrival;
                }
                else
                {
                    _accumulator.Merge(ref _merged[slot], accumulators[slot]);
                    _mergedArrival[slot] = Math.Min(_mergedArrival[slot], arrival);
                }
            }
        }

        int count = 0;
        for (int slot = 0; slot < keyCount; slot++)
        {
            if (_mergedArrival[slot] != 0)
            {
                _orderArrival[count] = _mergedArrival[slot];
                _orderSlot[count] = slot;
                count++;
            }
        }

        // Keys in the order they were first seen within this window: arrival numbers are unique, so the sort is total.
        Array.Sort(_orderArrival, _orderSlot, 0, count);
        for (int i = 0; i < count; i++)
        {
            int slot = _orderSlot[i];
            var result = new WindowResult<TKey, TOut>(_keys[slot], start, end, _accumulator.Result(_merged[slot]));
            _sink.OnNext(result, end);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void OnLateSlow(in T value, long eventTime)
    {
        _lateCount++;
        _lateSink?.OnNext(value, eventTime);
    }

    private int RowFor(long pane)
    {
        int row = WindowMath.Row(pane, _rowCount);
        if (_rowPane[row] != pane)
        {
            // The row's previous pane is older than every open window (the row count guarantees it), so it is dead.
            Debug.Assert(
                _rowPane[row] == long.MinValue || _rowPane[row] < WindowMath.FloorDiv(_nextEnd - _size, _pane),
                "a pane row is reused while an open window still needs its pane");
            Array.Clear(_firstArrival[row], 0, _keyCount);
            _rowPane[row] = pane;
        }

        return row;
    }

    private int SlotOf(TKey key)
    {
        ref int slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_slots, key, out bool exists);
        if (!exists)
        {
            slot = AddKeySlow(key);
        }

        return slot;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private int AddKeySlow(TKey key)
    {
        if (_keyCount == _keys.Length)
        {
            int capacity = _keys.Length * 2;
            for (int i = 0; i < _rowCount; i++)
            {
                Array.Resize(ref _rows[i], capacity);
                Array.Resize(ref _firstArrival[i], capacity);
            }

            Array.Resize(ref _keys, capacity);
            Array.Resize(ref _merged, capacity);
            Array.Resize(ref _mergedArrival, capacity);
            Array.Resize(ref _orderArrival, capacity);
            Array.Resize(ref _orderSlot, capacity);
        }

        _keys[_keyCount] = key;
        return _keyCount++;
    }

    public override void Save(IBufferWriter<byte> output)
    {
        IStateSerializer<TKey> keys = _keySerializer ?? throw ThrowHelper.NoSerializer(typeof(TKey));
        IStateSerializer<TAcc> accumulators = _accumulatorSerializer ?? throw ThrowHelper.NoSerializer(typeof(TAcc));

        StateBinary.WriteInt64(output, _size);
        StateBinary.WriteInt64(output, _slide);
        StateBinary.WriteInt64(output, _lateness);
        StateBinary.WriteInt32(output, _started ? 1 : 0);
        StateBinary.WriteInt64(output, _maxSeen);
        StateBinary.WriteInt64(output, _maxData);
        StateBinary.WriteInt64(output, _nextEnd);
        StateBinary.WriteInt64(output, _arrival);
        StateBinary.WriteInt64(output, _lateCount);

        StateBinary.WriteInt32(output, _keyCount);
        for (int slot = 0; slot < _keyCount; slot++)
        {
            keys.Write(output, _keys[slot]);
        }

        long oldestLive = WindowMath.FloorDiv(_nextEnd - _size, _pane);
        int liveRows = 0;
        for (int row = 0; row < _rowCount; row++)
        {
            if (_started && _rowPane[row] != long.MinValue && _rowPane[row] >= oldestLive)
            {
                liveRows++;
            }
        }

        StateBinary.WriteInt32(output, liveRows);
        for (int row = 0; row < _rowCount; row++)
        {
            if (!_started || _rowPane[row] == long.MinValue || _rowPane[row] < oldestLive)
            {
                continue;
            }

            StateBinary.WriteInt64(output, _rowPane[row]);
            int cells = 0;
            for (int slot = 0; slot < _keyCount; slot++)
            {
                cells += _firstArrival[row][slot] != 0 ? 1 : 0;
            }

            StateBinary.WriteInt32(output, cells);
            for (int slot = 0; slot < _keyCount; slot++)
            {
                long arrival = _firstArrival[row][slot];
                if (arrival != 0)
                {
                    StateBinary.WriteInt32(output, slot);
                    StateBinary.WriteInt64(output, arrival);
                    accumulators.Write(output, _rows[row][slot]);
                }
            }
        }
    }

    public override void Load(ref ReadOnlySpan<byte> input)
    {
        IStateSerializer<TKey> keys = _keySerializer ?? throw ThrowHelper.NoSerializer(typeof(TKey));
        IStateSerializer<TAcc> accumulators = _accumulatorSerializer ?? throw ThrowHelper.NoSerializer(typeof(TAcc));

        if (StateBinary.ReadInt64(ref input) != _size || StateBinary.ReadInt64(ref input) != _slide
            || StateBinary.ReadInt64(ref input) != _lateness)
        {
            throw ThrowHelper.BadSnapshot("the snapshot's window size, slide or lateness differ from this flow's");
        }

        _started = StateBinary.ReadInt32(ref input) != 0;
        _maxSeen = StateBinary.ReadInt64(ref input);
        _maxData = StateBinary.ReadInt64(ref input);
        _nextEnd = StateBinary.ReadInt64(ref input);
        _arrival = StateBinary.ReadInt64(ref input);
        _lateCount = StateBinary.ReadInt64(ref input);

        _slots.Clear();
        _keyCount = 0;
        int keyCount = StateBinary.ReadInt32(ref input);
        if (keyCount < 0)
        {
            throw ThrowHelper.BadSnapshot("key count must be non-negative");
        }

        for (int i = 0; i < _rowCount; i++)
        {
            _rowPane[i] = long.MinValue;
        }

        for (int i = 0; i < keyCount; i++)
        {
            TKey key = keys.Read(ref input);
            if (!_slots.TryAdd(key, _keyCount))
            {
                throw ThrowHelper.BadSnapshot("a key appears twice in the snapshot");
            }

            AddKeySlow(key);
        }

        int liveRows = StateBinary.ReadInt32(ref input);
        if (liveRows < 0 || liveRows > _rowCount)
        {
            throw ThrowHelper.BadSnapshot("live pane count must be between 0 and the pane ring's size");
        }

        for (int i = 0; i < liveRows; i++)
        {
            long pane = StateBinary.ReadInt64(ref input);
            int row = RowFor(pane);
            int cells = StateBinary.ReadInt32(ref input);
            if (cells < 0 || cells > _keyCount)
            {
                throw ThrowHelper.BadSnapshot("a pane has more cells than there are keys");
            }

            for (int c = 0; c < cells; c++)
            {
                int slot = StateBinary.ReadInt32(ref input);
                if ((uint)slot >= (uint)_keyCount)
                {
                    throw ThrowHelper.BadSnapshot("a pane cell names a key slot that does not exist");
                }

                _firstArrival[row][slot] = StateBinary.ReadInt64(ref input);
                _rows[row][slot] = accumulators.Read(ref input);
            }
        }

        Debug.Assert(_keyCount == keyCount, "every key read got a slot");
    }
}
