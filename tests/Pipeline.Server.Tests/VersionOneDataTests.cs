using System;
using System.Globalization;
using System.IO;
using Pipeline.Server.Cli;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Server.Tests;

/// <summary>
/// Issue 18's proof of backward compatibility: a data folder written entirely by version 1 (the build before
/// <c>ledger.deposit</c> and <c>ledger.deposited</c> version 2; Fixtures/ledger-v1, made by that build's service with
/// the windows off, its output of <c>replay --verify</c> beside it) replays under this code to the same state digests
/// and the same event log, byte for byte.
/// </summary>
public sealed class VersionOneDataTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string Fixture()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "Pipeline.Server.Tests", "Fixtures", "ledger-v1");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("the tests run from inside the repository");
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (string dir in Directory.GetDirectories(from))
        {
            Copy(dir, Path.Combine(to, Path.GetFileName(dir)));
        }
    }

    [Fact]
    public void ReplayVerify_OfAVersionOneDataFolder_GivesTheDigestsAndEventLogThatVersionOneRecorded()
    {
        string data = _temp.Combine("data");
        Copy(Fixture(), data);
        string expected = File.ReadAllText(Path.Combine(data, "replay-verify.expected.txt"));

        using var output = new StringWriter(CultureInfo.InvariantCulture);
        int code = OperatorCommands.Run(["replay", "--verify", "--data", data, "--no-streams"], output, output);

        Assert.True(code == OperatorCommands.Ok, output.ToString());
        Assert.Equal(expected, output.ToString());
    }
}
