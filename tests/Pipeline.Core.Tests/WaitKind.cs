namespace Pipeline.Core.Tests;

/// <summary>The wait strategies by name, so that theories can take them as data.</summary>
public enum WaitKind
{
    Blocking,
    Sleeping,
    Yielding,
    BusySpin,
    Phased,
}
