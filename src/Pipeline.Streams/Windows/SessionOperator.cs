using System;
using System.Buffers;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace Pipeline.Streams.Operators;

/// <summary>Session windows per key: an event opens [t, t + gap); sessions that overlap merge; a session closes when the watermark reaches its end.</summary>
/// <remarks>
/// An event is late when its time is before the watermark. That is stricter than "its session has closed", and it is
/// what guarantees a new event never overlaps a session already emitted (closed sessions end at or before the
/// watermark, and overlap is strict), so an emitted session is final. Sessions closing together are emitted by end,
/// then by the arrival of their first event.
/// </remarks>
internal sealed class SessionOperator<T, TKey, TAcc, TOut> : Operator<T>
    where TKey : notnull
    where TAcc : struct
{
    private readonly Func<T, TKey> _keySelector;
    private readonly IAccumulator<T, TAcc, TOut> _accumulator;
    private readonly ISink<WindowResult<TKey, TOut>> _sink;
    private readonly ISink<T>? _lateSink;
    private readonly IStateSerializer<TKey>? _keySerializer;
    private readonly IStateSerializer<TAcc>? _accumulatorSerializer;
    private readonly long _gap;
    private readonly long _lateness;

    private readonly Dictionary<TKey, int> _slots = new();
    private readonly List<TKey> _keys = new();
    private readonly List<List<Session>> _sessions = new();
    private readonly List<(long End, long FirstArrival, int Slot, int Index)> _closing = new();

    private bool _started;
    private long _maxSeen;
    private long _minOpenEnd = long.MaxValue;
    private long _arrival;
    private long _lateCount;

    public SessionOperator(
        long gap,
        long lateness,
        Func<T, TKey> keySelector,
        IAccumulator<T, TAcc, TOut> accumulator,
        IStateSerializer<TKey>? keySerializer,
        IStateSerializer<TAcc>? accumulatorSerializer,
        ISink<WindowResult<TKey, TOut>> sink,
        ISink<T>? lateSink)
    {
        _gap = gap;
        _lateness = lateness;
        _keySelector = keySelector;
        _accumulator = accumulator;
        _keySerializer = keySerializer;
        _accumulatorSerializer = accumulatorSerializer;
        _sink = sink;
        _lateSink = lateSink;
    }

    public override long LateEventCount => _lateCount;

    public override bool HasPendingWindows => _minOpenEnd != long.MaxValue;

    public override void OnEvent(in T value, long eventTime)
    {
        Advance(eventTime);
        if (eventTime < _maxSeen - _lateness)
        {
            _lateCount++;
            _lateSink?.OnNext(value, eventTime);
            return;
        }

        TKey key = _keySelector(value);
        ref int slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_slots, key, out bool exists);
        if (!exists)
        {
            slot = _keys.Count;
            _keys.Add(key);
            _sessions.Add(new List<Session>());
        }

        List<Session> sessions = _sessions[slot];
        var merged = new Session(eventTime, eventTime + _gap, _accumulator.Create(), ++_arrival);
        _accumulator.Add(ref merged.Accumulator, value);

        // Fold every open session of the key that overlaps the new one into it, earlier sessions first, so Merge
        // always receives the later state as its second argument.
        sessions.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        var combined = default(Session);
        bool any = false;
        for (int i = 0; i < sessions.Count; i++)
        {
            Session open = sessions[i];
            if (open.Start < merged.End && merged.Start < open.End)
            {
                if (!any)
                {
                    combined = open;
                    any = true;
                }
                else
                {
                    Fold(ref combined, open);
                }

                sessions.RemoveAt(i);
                i--;
            }
        }

        if (any)
        {
            // The new event may precede the open sessions it joins: fold in time order.
            if (merged.Start < combined.Start)
            {
                Fold(ref merged, combined);
                combined = merged;
            }
            else
            {
                Fold(ref combined, merged);
            }

            merged = combined;
        }

        sessions.Add(merged);
        _minOpenEnd = Math.Min(_minOpenEnd, merged.End);
    }

    public override void OnTick(long time) => Advance(time);

    private void Fold(ref Session into, in Session later)
    {
        _accumulator.Merge(ref into.Accumulator, later.Accumulator);
        into.Start = Math.Min(into.Start, later.Start);
        into.End = Math.Max(into.End, later.End);
        into.FirstArrival = Math.Min(into.FirstArrival, later.FirstArrival);
    }

    private void Advance(long time)
    {
        if (!_started || time > _maxSeen)
        {
            _started = true;
            _maxSeen = time;
            if (_minOpenEnd <= time - _lateness)
            {
                CloseSessions(time - _lateness);
            }
        }
    }

    private void CloseSessions(long watermark)
    {
        _closing.Clear();
        long minOpen = long.MaxValue;
        for (int slot = 0; slot < _sessions.Count; slot++)
        {
            List<Session> sessions = _sessions[slot];
            for (int i = 0; i < sessions.Count; i++)
            {
                if (sessions[i].End <= watermark)
                {
                    _closing.Add((sessions[i].End, sessions[i].FirstArrival, slot, i));
                }
                else
                {
                    minOpen = Math.Min(minOpen, sessions[i].End);
                }
            }
        }

        _closing.Sort(static (a, b) => a.End != b.End ? a.End.CompareTo(b.End) : a.FirstArrival.CompareTo(b.FirstArrival));
        foreach ((long end, long _, int slot, int index) in _closing)
        {
            Session session = _sessions[slot][index];
            _sink.OnNext(new WindowResult<TKey, TOut>(_keys[slot], session.Start, end, _accumulator.Result(session.Accumulator)), end);
        }

        for (int slot = 0; slot < _sessions.Count; slot++)
        {
            _sessions[slot].RemoveAll(s => s.End <= watermark);
        }

        _minOpenEnd = minOpen;
    }

    public override void Save(IBufferWriter<byte> output)
    {
        IStateSerializer<TKey> keys = _keySerializer ?? throw ThrowHelper.NoSerializer(typeof(TKey));
        IStateSerializer<TAcc> accumulators = _accumulatorSerializer ?? throw ThrowHelper.NoSerializer(typeof(TAcc));
        StateBinary.WriteInt64(output, _gap);
        StateBinary.WriteInt64(output, _lateness);
        StateBinary.WriteInt32(output, _started ? 1 : 0);
        StateBinary.WriteInt64(output, _maxSeen);
        StateBinary.WriteInt64(output, _arrival);
        StateBinary.WriteInt64(output, _lateCount);
        StateBinary.WriteInt32(output, _keys.Count);
        for (int slot = 0; slot < _keys.Count; slot++)
        {
            keys.Write(output, _keys[slot]);
            List<Session> sessions = _sessions[slot];
            StateBinary.WriteInt32(output, sessions.Count);
            foreach (Session session in sessions)
            {
                StateBinary.WriteInt64(output, session.Start);
                StateBinary.WriteInt64(output, session.End);
                StateBinary.WriteInt64(output, session.FirstArrival);
                accumulators.Write(output, session.Accumulator);
            }
        }
    }

    public override void Load(ref ReadOnlySpan<byte> input)
    {
        IStateSerializer<TKey> keys = _keySerializer ?? throw ThrowHelper.NoSerializer(typeof(TKey));
        IStateSerializer<TAcc> accumulators = _accumulatorSerializer ?? throw ThrowHelper.NoSerializer(typeof(TAcc));
        if (StateBinary.ReadInt64(ref input) != _gap || StateBinary.ReadInt64(ref input) != _lateness)
        {
            throw ThrowHelper.BadSnapshot("the snapshot's session gap or lateness differ from this flow's");
        }

        _started = StateBinary.ReadInt32(ref input) != 0;
        _maxSeen = StateBinary.ReadInt64(ref input);
        _arrival = StateBinary.ReadInt64(ref input);
        _lateCount = StateBinary.ReadInt64(ref input);
        _slots.Clear();
        _keys.Clear();
        _sessions.Clear();
        _minOpenEnd = long.MaxValue;
        int keyCount = StateBinary.ReadInt32(ref input);
        if (keyCount < 0)
        {
            throw ThrowHelper.BadSnapshot("key count must be non-negative");
        }

        for (int slot = 0; slot < keyCount; slot++)
        {
            TKey key = keys.Read(ref input);
            if (!_slots.TryAdd(key, slot))
            {
                throw ThrowHelper.BadSnapshot("a key appears twice in the snapshot");
            }

            _keys.Add(key);
            int count = StateBinary.ReadInt32(ref input);
            if (count < 0)
            {
                throw ThrowHelper.BadSnapshot("session count must be non-negative");
            }

            var sessions = new List<Session>(count);
            for (int i = 0; i < count; i++)
            {
                long start = StateBinary.ReadInt64(ref input);
                long end = StateBinary.ReadInt64(ref input);
                long firstArrival = StateBinary.ReadInt64(ref input);
                sessions.Add(new Session(start, end, accumulators.Read(ref input), firstArrival));
                _minOpenEnd = Math.Min(_minOpenEnd, end);
            }

            _sessions.Add(sessions);
        }
    }

    [StructLayout(LayoutKind.Auto)]
    private struct Session
    {
        public long Start;
        public long End;
        public TAcc Accumulator;
        public long FirstArrival;

        public Session(long start, long end, TAcc accumulator, long firstArrival)
        {
            Start = start;
            End = end;
            Accumulator = accumulator;
            FirstArrival = firstArrival;
        }
    }
}
