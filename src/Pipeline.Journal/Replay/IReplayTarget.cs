namespace Pipeline.Journal.Replay;

/// <summary>Receives journal records during replay: typically publishes them into the ring, through the live handlers.</summary>
public interface IReplayTarget
{
    /// <summary>Takes one record; its bytes are valid only during the call.</summary>
    void Apply(in JournalRecord record);

    /// <summary>Called after each batch of records and at the end (e.g. publish the claimed range).</summary>
    void EndOfBatch();
}
