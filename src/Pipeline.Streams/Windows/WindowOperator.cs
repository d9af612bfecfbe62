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
    private readonly LatePolicy _policy;

    // How far the emitting watermark trails the highest time seen: the lateness for SideOutput (wait, then emit once);
    // 0 for Correct (emit at once, keep the window until the lateness passes and correct it).
    private readonly long _emitLag;
    private readonly int _rowCount;

    private readonly Dictionary<TKey, int> _slots = new();
    private readonly TAcc[][] _rows;
    private readonly long[][] _firstArrival;
    private readonly long[] _rowPane;

    // Correct only: per emitted window still kept (ring by window index), the number of results emitted per key slot.
    private readonly int[][] _revisions;
    private readonly long[] _revisionWindow;
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
        LatePolicy policy,
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
        _policy = policy;
        _emitLag = policy == LatePolicy.Correct ? 0 : lateness;
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

        int revisionRows = policy == LatePolicy.Correct ? (int)Math.Min(lateness / _slide + 3, Array.MaxLength / 2) : 0;
        _revisions = new int[revisionRows][];
        _revisionWindow = new long[revisionRows];
        for (int i = 0; i < revisionRows; i++)
        {
            _revisions[i] = new int[InitialKeyCapacity];
            _revisionWindow[i] = long.MinValue;
        }

        _keys = new TKey[InitialKeyCapacity];
        _merged = new TAcc[InitialKeyCapacity];
        _mergedArrival = new long[InitialKeyCapacity];
        _orderArrival = new long[InitialKeyCapacity];
        _orderSlot = new int[InitialKeyCapacity];
    }

    public override long LateEventCount => _lateCount;

    // The newest accepted event lies in windows ending up to one size after it; any of them not emitted yet waits.
    public override bool HasPendingWindows => _started && _maxData != long.MinValue && _maxData >= _nextEnd - _size;

    public override void OnEvent(in T value, long eventTime)
    {
        Advance(eventTime);

        // Windows end at whole multiples of the slide (plus the size), so "its first window has ended at or before
        // the watermark" is the same as "its first window ends before the next window still to close".
        long firstEnd = WindowMath.FirstEndAfter(eventTime, _size, _slide);
        if (firstEnd < _nextEnd)
        {
            OnLateSlow(value, eventTime, firstEnd);
            return;
        }

        Add(value, eventTime);
    }

    private int Add(in T value, long eventTime)
    {
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

        return slot;
    }

    public override void OnTick(long time) => Advance(time);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Advance(long time)
    {
        if (!_started)
        {
            _started = true;
            _maxSeen = time;
            _nextEnd = WindowMath.FirstEndAfter(time - _emitLag, _size, _slide);
            return;
        }

        if (time > _maxSeen)
        {
            _maxSeen = time;
            if (_nextEnd <= time - _emitLag)
            {
                CloseWindowsSlow(time - _emitLag);
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
        int[]? revisions = _policy == LatePolicy.Correct ? RevisionRow(end) : null;
        for (int i = 0; i < count; i++)
        {
            int slot = _orderSlot[i];
            int revision = revisions is null ? 0 : revisions[slot]++;
            var result = new WindowResult<TKey, TOut>(_keys[slot], start, end, _accumulator.Result(_merged[slot]), revision);
            _sink.OnNext(result, end);
        }
    }

    /// <summary>Re-emits, for one key, every already emitted window holding <paramref name="eventTime"/>, in end order.</summary>
    private void EmitCorrections(int slot, long eventTime, long firstEnd)
    {
        for (long end = firstEnd; end < _nextEnd && end - _size <= eventTime; end += _slide)
        {
            long start = end - _size;
            long endPane = WindowMath.FloorDiv(end, _pane);
            bool any = false;
            TAcc merged = default;
            for (long pane = WindowMath.FloorDiv(start, _pane); pane < endPane; pane++)
            {
                int row = WindowMath.Row(pane, _rowCount);
                if (_rowPane[row] != pane || _firstArrival[row][slot] == 0)
                {
                    continue;
                }

                if (any)
                {
                    _accumulator.Merge(ref merged, _rows[row][slot]);
                }
                else
                {
                    merged = _rows[row][slot];
                    any = true;
                }
            }

            Debug.Assert(any, "the corrected window holds the event just added");
            int revision = RevisionRow(end)[slot]++;
            _sink.OnNext(new WindowResult<TKey, TOut>(_keys[slot], start, end, _accumulator.Result(merged), revision), end);
        }
    }

    private int[] RevisionRow(long end)
    {
        long window = WindowMath.FloorDiv(end - _size, _slide);
        int row = WindowMath.Row(window, _revisions.Length);
        if (_revisionWindow[row] != window)
        {
            // The row's previous window ended more than the lateness ago (the row count guarantees it): it is purged.
            Array.Clear(_revisions[row], 0, _keyCount);
            _revisionWindow[row] = window;
        }

        return _revisions[row];
    }

    /// <summary>The end of the oldest window whose state is still kept: later events can still change it.</summary>
    private long OldestKeptEnd() => WindowMath.FirstEndAfter(_maxSeen - _lateness, _size, _slide);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void OnLateSlow(in T value, long eventTime, long firstEnd)
    {
        if (_policy == LatePolicy.Correct && firstEnd >= OldestKeptEnd())
        {
            int slot = Add(value, eventTime);
            EmitCorrections(slot, eventTime, firstEnd);
            return;
        }

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
                _rowPane[row] == long.MinValue || _rowPane[row] < WindowMath.FloorDiv(Math.Min(_nextEnd, OldestKeptEnd()) - _size, _pane),
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

            for (int i = 0; i < _revisions.Length; i++)
            {
                Array.Resize(ref _revisions[i], capacity);
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
        StateBinary.WriteInt32(output, (int)_policy);
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

        long oldestLive = WindowMath.FloorDiv(Math.Min(_nextEnd, OldestKeptEnd()) - _size, _pane);
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

        long oldestKeptWindow = WindowMath.FloorDiv(OldestKeptEnd() - _size, _slide);
        int keptWindows = 0;
        for (int row = 0; row < _revisions.Length; row++)
        {
            keptWindows += _started && _revisionWindow[row] != long.MinValue && _revisionWindow[row] >= oldestKeptWindow ? 1 : 0;
        }

        StateBinary.WriteInt32(output, keptWindows);
        for (int row = 0; row < _revisions.Length; row++)
        {
            if (!_started || _revisionWindow[row] == long.MinValue || _revisionWindow[row] < oldestKeptWindow)
            {
                continue;
            }

            StateBinary.WriteInt64(output, _revisionWindow[row]);
            int cells = 0;
            for (int slot = 0; slot < _keyCount; slot++)
            {
                cells += _revisions[row][slot] != 0 ? 1 : 0;
            }

            StateBinary.WriteInt32(output, cells);
            for (int slot = 0; slot < _keyCount; slot++)
            {
                if (_revisions[row][slot] != 0)
                {
                    StateBinary.WriteInt32(output, slot);
                    StateBinary.WriteInt32(output, _revisions[row][slot]);
                }
            }
        }
    }

    public override void Load(ref ReadOnlySpan<byte> input)
    {
        IStateSerializer<TKey> keys = _keySerializer ?? throw ThrowHelper.NoSerializer(typeof(TKey));
        IStateSerializer<TAcc> accumulators = _accumulatorSerializer ?? throw ThrowHelper.NoSerializer(typeof(TAcc));

        if (StateBinary.ReadInt64(ref input) != _size || StateBinary.ReadInt64(ref input) != _slide
            || StateBinary.ReadInt64(ref input) != _lateness || StateBinary.ReadInt32(ref input) != (int)_policy)
        {
            throw ThrowHelper.BadSnapshot("the snapshot's window size, slide, lateness or late policy differ from this flow's");
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

        for (int i = 0; i < _revisionWindow.Length; i++)
        {
            _revisionWindow[i] = long.MinValue;
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

        int keptWindows = StateBinary.ReadInt32(ref input);
        if (keptWindows < 0 || keptWindows > _revisions.Length)
        {
            throw ThrowHelper.BadSnapshot("kept window count must be between 0 and the revision ring's size");
        }

        for (int i = 0; i < keptWindows; i++)
        {
            long window = StateBinary.ReadInt64(ref input);
            int[] revisions = RevisionRow((window * _slide) + _size);
            int cells = StateBinary.ReadInt32(ref input);
            if (cells < 0 || cells > _keyCount)
            {
                throw ThrowHelper.BadSnapshot("a kept window has more cells than there are keys");
            }

            for (int c = 0; c < cells; c++)
            {
                int slot = StateBinary.ReadInt32(ref input);
                if ((uint)slot >= (uint)_keyCount)
                {
                    throw ThrowHelper.BadSnapshot("a kept window cell names a key slot that does not exist");
                }

                revisions[slot] = StateBinary.ReadInt32(ref input);
            }
        }

        Debug.Assert(_keyCount == keyCount, "every key read got a slot");
    }
}
