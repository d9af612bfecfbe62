namespace Pipeline.Protocol;

/// <summary>The records of a PUSH frame (version 3), already checked whole by <see cref="ServerFrames.TryParsePush"/>.</summary>
/// <remarks>The records are those of EVENTS; each spends one of the subscription's credits.</remarks>
public ref struct PushFrame
{
    private EventsFrame _records;

    internal PushFrame(EventsFrame records)
    {
        _records = records;
    }

    /// <summary>The subscription the records are for.</summary>
    public readonly ulong SubscriptionId => _records.RequestId;

    /// <summary>Records in the frame (at least 1).</summary>
    public readonly uint Count => _records.Count;

    /// <summary>The next record, in increasing position order; false after the last.</summary>
    public bool TryReadNext(out EventRecordFrame record) => _records.TryReadNext(out record);
}
