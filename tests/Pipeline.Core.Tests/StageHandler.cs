using System.Collections.Generic;
using Pipeline.Core.Processing;

namespace Pipeline.Core.Tests;

/// <summary>
/// One stage of an ordering test. For each entry it checks that every earlier stage already wrote its mark for
/// this very sequence (it sees their writes) and that no upstream processor's sequence is behind it (it never runs
/// ahead), then writes its own mark.
/// </summary>
internal sealed class StageHandler : IEventHandler<TestEvent>
{
    private readonly StageMark _mark;
    private readonly StageMark[] _requires;
    private IReadOnlyList<IEventProcessor> _upstream = [];

    public StageHandler(StageMark mark, params StageMark[] requires)
    {
        _mark = mark;
        _requires = requires;
    }

    public ContiguityRecord Record { get; } = new();

    /// <summary>The processors of the earlier stages; set before the pipeline starts.</summary>
    public void Follow(IReadOnlyList<IEventProcessor> upstream) => _upstream = upstream;

    public void OnEvent(ref TestEvent entry, long sequence, bool endOfBatch)
    {
        foreach (StageMark required in _requires)
        {
            long mark = entry.GetMark(required);
            if (mark != sequence)
            {
                Record.Violate($"stage {_mark} at {sequence} saw mark {required} = {mark}");
            }
        }

        foreach (IEventProcessor processor in _upstream)
        {
            long upstreamSequence = processor.Sequence.Value;
            if (upstreamSequence < sequence)
            {
                Record.Violate($"stage {_mark} at {sequence} ran ahead of {processor.Name} at {upstreamSequence}");
            }
        }

        if (entry.GetMark(_mark) != TestEvent.Unset)
        {
            Record.Violate($"stage {_mark} at {sequence} found its mark already set");
        }

        entry.SetMark(_mark, sequence);
        Record.Observe(sequence, entry.Value);
    }
}
