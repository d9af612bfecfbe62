namespace Pipeline.LoadGen;

/// <summary>What the generator does: a timed load run, or a journal build-up followed by a timed restart.</summary>
internal enum LoadGenVerb
{
    Load,
    Recovery,
}
