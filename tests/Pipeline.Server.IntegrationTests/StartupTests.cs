using System;
using System.IO;
using System.Threading.Tasks;
using Pipeline.Server.IntegrationTests.Infrastructure;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Server.IntegrationTests;

/// <summary>Start-up: a wrong option or a damaged journal stops the service with a clear message and a non-zero exit.</summary>
public sealed class StartupTests
{
    private static readonly TimeSpan s_exitTimeout = TimeSpan.FromSeconds(60);

    public static TheoryData<string, string> BadOptions => new()
    {
        { "--Pipeline:Engine:RingSize=1000", "Pipeline:Engine:RingSize" },
        { "--Pipeline:Ingest:Port=70000", "Pipeline:Ingest:Port" },
        { "--Pipeline:Ingest:Port=abc", "Pipeline:Ingest:Port" },
        { "--Pipeline:Journal:Durability=Sometimes", "Durability" },
        { "--Pipeline:Ingest:Address=not-an-ip", "Pipeline:Ingest:Address" },
        { "--Pipeline:Engine:DecodeHandlers=0", "Pipeline:Engine:DecodeHandlers" },
        { "--Pipeline:Snapshots:Keep=0", "Pipeline:Snapshots:Keep" },
        { "--Pipeline:Ingest:QueryTimeout=soon", "QueryTimeout" },
        { "--Pipeline:Engine:Typo=1", "Typo" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public async Task Start_BadOption_ExitsNonZeroWithAMessageNamingTheKey(string option, string key)
    {
        using var data = new TempDirectory();
        await using ServerProcess server = ServerProcess.Launch(data.Combine("data"), option);

        int code = await server.WaitForExitAsync(s_exitTimeout);

        Assert.NotEqual(0, code);
        Assert.Contains(key, server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Ingest listening", server.Output, StringComparison.Ordinal);
    }

    // Journals sequences 1-5 in a fresh data folder, then stops the service cleanly (SIGTERM: exit 0).
    private static async Task OpenFiveAccountsAndStopAsync(string folder)
    {
        await using ServerProcess server = await ServerProcess.StartAsync(folder);
        await using (Pipeline.Client.PipelineClient client = await Pipeline.Client.PipelineClient.ConnectAsync(new Pipeline.Client.PipelineClientOptions { Port = server.Port }).WaitAsync(TestTimeouts.Default))
        {
            for (int i = 0; i < 5; i++)
            {
                await client.PublishAsync("ledger.open", System.Text.Encoding.UTF8.GetBytes($"{{\"account\": \"c-{i}\"}}")).WaitAsync(TestTimeouts.Default);
            }
        }

        Assert.Equal(0, await server.TerminateAsync(s_exitTimeout));
    }

    [Fact]
    public async Task Start_NoDataFolder_CreatesIt()
    {
        using var data = new TempDirectory();
        string folder = Path.Combine(data.Path, "nested", "data");

        await using ServerProcess server = await ServerProcess.StartAsync(folder);

        Assert.True(Directory.Exists(Path.Combine(folder, "journal")));
    }

    [Fact]
    public async Task Start_JournalCorruptedBeforeItsTail_RefusesWithFileOffsetAndSequence()
    {
        using var data = new TempDirectory();
        string folder = data.Combine("data");
        await OpenFiveAccountsAndStopAsync(folder);

        string segment = Directory.GetFiles(Path.Combine(folder, "journal"), "*.journal")[0];
        byte[] bytes = await File.ReadAllBytesAsync(segment);
        bytes[64 + 60] ^= 0x10; // inside the first record's payload: later records are intact
        await File.WriteAllBytesAsync(segment, bytes);
        foreach (string snapshot in Directory.GetFiles(Path.Combine(folder, "snapshots")))
        {
            File.Delete(snapshot); // force recovery to read the journal from the start
        }

        await using ServerProcess broken = ServerProcess.Launch(folder);
        int code = await broken.WaitForExitAsync(s_exitTimeout);

        Assert.NotEqual(0, code);
        Assert.Contains("Journal corrupted in", broken.Output, StringComparison.Ordinal);
        Assert.Contains("offset 64", broken.Output, StringComparison.Ordinal);
        Assert.Contains("sequence 1", broken.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_SnapshotAheadOfTheJournal_RefusesNamingBothSequences()
    {
        using var data = new TempDirectory();
        string folder = data.Combine("data");
        await OpenFiveAccountsAndStopAsync(folder); // the shutdown writes a final snapshot, at sequence 5

        Assert.NotEmpty(Directory.GetFiles(Path.Combine(folder, "snapshots")));
        foreach (string file in Directory.GetFiles(Path.Combine(folder, "journal")))
        {
            File.Delete(file); // the journal loses everything the snapshot holds
        }

        await using ServerProcess broken = ServerProcess.Launch(folder);
        int code = await broken.WaitForExitAsync(s_exitTimeout);

        Assert.NotEqual(0, code);
        Assert.Contains("is at sequence 5, but the journal", broken.Output, StringComparison.Ordinal);
        Assert.Contains("ends at sequence 0", broken.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Ingest listening", broken.Output, StringComparison.Ordinal);
    }
}
