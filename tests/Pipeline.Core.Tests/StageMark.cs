namespace Pipeline.Core.Tests;

/// <summary>Which mark of a <see cref="TestEvent"/> a stage of an ordering test writes.</summary>
public enum StageMark
{
    A,
    B,
    C,
    D,
}
