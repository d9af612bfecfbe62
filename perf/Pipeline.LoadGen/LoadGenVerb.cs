namespace Pipeline.LoadGen;

/// <summary>
/// What the generator does: a timed load run, a journal build-up followed by a timed restart, or a store build-up
/// followed by timed reads of all of it (one subscriber, then FETCH).
/// </summary>
internal enum LoadGenVerb
{
    Load,
    Recovery,
    Catchup,
}
