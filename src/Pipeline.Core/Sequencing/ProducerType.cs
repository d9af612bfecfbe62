namespace Pipeline.Core.Sequencing;

/// <summary>Whether one thread or many publish into a ring.</summary>
public enum ProducerType
{
    /// <summary>Exactly one publishing thread (the journaling producer); the fastest claim.</summary>
    Single,

    /// <summary>Any number of publishing threads; claims use atomic operations.</summary>
    Multi,
}
