using System;
using System.IO;

namespace Pipeline.Testing;

/// <summary>A fresh, empty folder under the system temp folder for one test; deleted (with its contents) on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    /// <summary>Creates the folder <c>{temp}/pipeline-tests/{random}</c>.</summary>
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pipeline-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    /// <summary>The folder.</summary>
    public string Path { get; }

    /// <summary>A path inside the folder (not created).</summary>
    public string Combine(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Deletes the folder; a leftover file held open by a failed test must not fail the run.</summary>
    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
