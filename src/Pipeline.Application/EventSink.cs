using System;

namespace Pipeline.Application;

/// <summary>Where a decision writes its events; reused from command to command, so emitting allocates nothing once warm.</summary>
/// <typeparam name="TEvent">The application's event type.</typeparam>
public sealed class EventSink<TEvent>
{
    private TEvent[] _events = new TEvent[4];

    /// <summary>The events emitted so far for the current command.</summary>
    public int Count { get; private set; }

    /// <summary>The emitted events.</summary>
    public ReadOnlySpan<TEvent> Events => _events.AsSpan(0, Count);

    /// <summary>The emitted event at <paramref name="index"/>.</summary>
    public ref readonly TEvent this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
            return ref _events[index];
        }
    }

    /// <summary>Emits <paramref name="event"/>.</summary>
    public void Emit(in TEvent @event)
    {
        if (Count == _events.Length)
        {
            Array.Resize(ref _events, _events.Length * 2);
        }

        _events[Count++] = @event;
    }

    /// <summary>Forgets the events (the engine calls it before each decision).</summary>
    public void Clear()
    {
        // Events may hold references (ids): clear them so that a reused entry does not keep them alive.
        Array.Clear(_events, 0, Count);
        Count = 0;
    }
}
