using System;
using System.Diagnostics.CodeAnalysis;
using System.IO;

namespace Pipeline.LoadGen;

/// <summary>Finds the repository's root: the nearest folder at or above a start folder that holds Pipeline.sln.</summary>
internal static class RepositoryRoot
{
    public const string SolutionFile = "Pipeline.sln";

    /// <summary>Where a run's files go when no <c>--out</c> is given, relative to the repository root.</summary>
    public static readonly string DefaultOutDirectory = Path.Combine("perf", "results", "loadgen");

    /// <summary>Walks up from <paramref name="startDirectory"/>; false when no folder up to the file system's root holds the solution.</summary>
    public static bool TryFind(string startDirectory, [NotNullWhen(true)] out string? root)
    {
        ArgumentException.ThrowIfNullOrEmpty(startDirectory);
        for (DirectoryInfo? folder = new(Path.GetFullPath(startDirectory)); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, SolutionFile)))
            {
                root = folder.FullName;
                return true;
            }
        }

        root = null;
        return false;
    }
}
