using Xunit;

namespace Pipeline.Core.Tests;

/// <summary>Tests that measure the whole process (CPU time) and so must run alone, after the parallel tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NonParallelCollection
{
    public const string Name = "Non-parallel";
}
