using System.Collections.Generic;

namespace Pipeline.Schemas;

/// <summary>The outcome of comparing the committed schema folder with the code.</summary>
/// <param name="Problems">Everything that must be fixed; empty when the check passes.</param>
/// <param name="UnpublishedVersions">Registered versions with no committed file yet, each already checked for compatibility.</param>
public sealed record SchemaLockReport(IReadOnlyList<SchemaLockProblem> Problems, IReadOnlyList<SchemaRegistration> UnpublishedVersions)
{
    /// <summary>True when no problem was found.</summary>
    public bool IsSuccess => Problems.Count == 0;

    /// <summary>One line per problem, for a test failure or a CLI.</summary>
    public string Describe() => IsSuccess ? "schemas match the committed folder" : string.Join("\n", Problems);
}
