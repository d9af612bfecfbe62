using Pipeline.EventStore;
using Pipeline.Application;
using Pipeline.Core.Processing;
using Pipeline.Protocol;

namespace Pipeline.Hosting.Engine;

/// <summary>Feeds the application's read model with each accepted command's events; runs after the ACKs, on their thread.</summary>
internal sealed class ReadModelStage<TCommand, TEvent> : IEventHandler<CommandEntry<TCommand, TEvent>>
{
    private readonly IReadModel<TEvent> _model;
    private readonly VisibleHead _position;
    private long _applied;

    public ReadModelStage(IReadModel<TEvent> model, VisibleHead position)
    {
        _model = model;
        _position = position;
        _applied = position.Position;
    }

    public void OnEvent(ref CommandEntry<TCommand, TEvent> entry, long sequence, bool endOfBatch)
    {
        if (entry.Status is AckStatus.Ok or AckStatus.Rejected)
        {
            if (entry.Status == AckStatus.Ok)
            {
                EventSink<TEvent> events = entry.Events;
                for (int i = 0; i < events.Count; i++)
                {
                    _model.Apply(events[i], new EventContext(entry.Sequence, entry.TimestampTicks, entry.StreamVersions[i]));
                }
            }

            _applied = entry.Sequence;
        }

        // The last reader of these: dropping them now lets the per-command objects die young instead of being
        // promoted (the ring entries are old, so whatever they reference survives every young collection).
        entry.Command = default!;
        entry.Events.Clear();
        entry.DecodeError = null;

        if (endOfBatch)
        {
            _model.Publish(_applied);
            _position.Advance(_applied);
        }
    }
}
