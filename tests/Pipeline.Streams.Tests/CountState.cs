namespace Pipeline.Streams.Tests;

internal struct CountState
{
    public long Count;
}
