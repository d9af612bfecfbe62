using System.IO;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.LoadGen.Tests;

public sealed class RepositoryRootTests
{
    [Fact]
    public void TryFind_NestedFolderUnderAFakeSolution_ReturnsTheSolutionsFolder()
    {
        using var temp = new TempDirectory();
        string repo = temp.Combine("repo");
        string nested = Path.Combine(repo, "perf", "Pipeline.LoadGen", "bin");
        Directory.CreateDirectory(nested);
        File.WriteAllText(Path.Combine(repo, "Pipeline.sln"), string.Empty);

        bool found = RepositoryRoot.TryFind(nested, out string? root);

        Assert.True(found);
        Assert.Equal(repo, root);
    }

    [Fact]
    public void TryFind_StartAtTheRoot_ReturnsIt()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.Combine("Pipeline.sln"), string.Empty);

        Assert.True(RepositoryRoot.TryFind(temp.Path, out string? root));
        Assert.Equal(temp.Path, root);
    }

    [Fact]
    public void TryFind_TwoSolutionsAbove_ReturnsTheNearest()
    {
        using var temp = new TempDirectory();
        string inner = Path.Combine(temp.Path, "outer", "inner");
        string start = Path.Combine(inner, "src");
        Directory.CreateDirectory(start);
        File.WriteAllText(Path.Combine(temp.Path, "outer", "Pipeline.sln"), string.Empty);
        File.WriteAllText(Path.Combine(inner, "Pipeline.sln"), string.Empty);

        Assert.True(RepositoryRoot.TryFind(start, out string? root));
        Assert.Equal(inner, root);
    }

    [Fact]
    public void TryFind_NoSolutionUpToTheFileSystemRoot_ReturnsFalse()
    {
        using var temp = new TempDirectory();
        string nested = Path.Combine(temp.Path, "a", "b");
        Directory.CreateDirectory(nested);
        File.WriteAllText(Path.Combine(temp.Path, "a", "Other.sln"), string.Empty);

        bool found = RepositoryRoot.TryFind(nested, out string? root);

        Assert.False(found);
        Assert.Null(root);
    }
}
