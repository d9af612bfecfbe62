using System;
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
    private readonly StreamResultsView? _streams;
    private long _applied;

    public ReadModelStage(IReadModel<TEvent> model, VisibleHead position, StreamResultsView? streams = null)
    {
        _streams = streams;
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

                if (entry.StreamOutputs.Count > 0 && _streams is not null)
                {
                    FileStreamOutputs(entry);
                }
            }

            _applied = entry.Sequence;
        }

        // The last reader of these: dropping them now lets the per-command objects die young instead of being
        // promoted (the ring entries are old, so whatever they reference survives every young collection).
        entry.Command = default!;
        entry.Events.Clear();
        entry.DecodeError = null;
        entry.Explanation = null;

        entry.StreamOutputs.Clear();
        if (endOfBatch)
        {
            _model.Publish(_applied);
            _position.Advance(_applied);
        }
    }

    // The flows' outputs follow the command's own events (the application stage numbered them after).
    private void FileStreamOutputs(CommandEntry<TCommand, TEvent> entry)
    {
        int first = entry.Events.Count;
        long position = entry.LastPosition - entry.StreamOutputs.Count + 1;
        for (int i = 0; i < entry.StreamOutputs.Count; i++)
        {
            ReadOnlySpan<byte> payload = entry.Encoded.Count > first + i ? entry.Encoded.Payload(first + i) : ReadOnlySpan<byte>.Empty;
            _streams!.Apply(entry.StreamOutputs[i], payload, position + i);
        }
    }
}
