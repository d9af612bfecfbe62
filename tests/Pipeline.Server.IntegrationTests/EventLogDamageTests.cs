using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Pipeline.Client;
using Pipeline.Protocol;
using Pipeline.Server.Cli;
using Pipeline.Server.IntegrationTests.Infrastructure;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Server.IntegrationTests;

/// <summary>
/// The event log damaged while the server is stopped: a torn tail and a lost folder are rebuilt from the journal at
/// start; damage in the middle, or events of commands the journal lacks, stop the start with a message, and the
/// operator's <c>events rebuild</c> brings back the same events.
/// </summary>
public sealed class EventLogDamageTests
{
    private static readonly TimeSpan s_exitTimeout = TimeSpan.FromSeconds(30);

    // Publishes a seeded mix of ledger commands (some rejected) from one producer and waits for every ACK.
    private static async Task PublishAsync(ServerProcess server, ulong producer, int seed, int count)
    {
        await using PipelineClient client = await PipelineClient.ConnectAsync(new PipelineClientOptions { Port = server.Port, ProducerId = producer, ProtocolVersion = FrameHeader.ReadProtocolVersion }).WaitAsync(TestTimeouts.Default);
        var mix = new LedgerCommandMix(new Random(seed), $"p{producer}");
        Ack[] acks = await client.PublishBatchAsync(mix.Next(count)).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(acks, a => Assert.True(a.Status is AckStatus.Ok or AckStatus.Rejected, a.ToString()));

        // An ACK waits for the journal, not for the event log; a kill right after the ACKs could find events not yet
        // written, which the next start completes. The tests damage a complete log: wait until every event is visible.
        await client.ReadAllBackwardAsync(ulong.MaxValue, 1, minSequence: acks.Max(a => a.Sequence)).WaitAsync(TestTimeouts.Default);
    }

    private static async Task StopAsync(ServerProcess server) =>
        Assert.True(await server.TerminateAsync(s_exitTimeout) == 0, server.Output);

    // Runs the server over the data folder until it has recovered, then stops it cleanly; returns its output.
    private static async Task<ServerProcess> RestartAndStopAsync(string data)
    {
        ServerProcess server = await ServerProcess.StartAsync(data);
        await StopAsync(server);
        await server.DisposeAsync();
        return server;
    }

    // A data folder with 400 commands; stopped cleanly (a final snapshot is ahead of any shortened log) or killed
    // (no snapshot: snapshots are written only at shutdown).
    private static async Task<List<LoggedEvent>> CreateAsync(string data, bool cleanStop)
    {
        await using ServerProcess server = await ServerProcess.StartAsync(data, "--Pipeline:Snapshots:IntervalEvents=0");
        await PublishAsync(server, 1, 11, 400);
        if (cleanStop)
        {
            await StopAsync(server);
        }
        else
        {
            await server.KillAsync();
        }

        return DataFolder.AssertConsistent(data, "before the damage").Events;
    }

    private static string LastSegment(string data) =>
        Directory.EnumerateFiles(DataFolder.Events(data), "events-*.log").Order(StringComparer.Ordinal).Last();

    [Theory(Timeout = 120_000)]
    [InlineData(false)] // no snapshot: the journal is replayed from its start and the missing events appended
    [InlineData(true)] // the final snapshot is ahead of the cut log: the state is rebuilt from the journal's start (warning 3010)
    public async Task Start_TornEventLogTail_TruncatesWithWarningAndCompletesTheLogFromTheJournal(bool snapshotAhead)
    {
        using var temp = new TempDirectory();
        string data = temp.Combine("data");
        List<LoggedEvent> before = await CreateAsync(data, snapshotAhead);
        string last = LastSegment(data);
        long length = new FileInfo(last).Length;
        using (var file = new FileStream(last, FileMode.Open))
        {
            file.SetLength(length - 10); // inside the last record: every record is longer than 60 bytes
        }

        Assert.Equal(before.Count - 1, DataFolder.ReadEvents(data).Count);

        ServerProcess restarted = await RestartAndStopAsync(data);

        Assert.True(restarted.Lines.Any(l => l.Contains("[1201]", StringComparison.Ordinal)), restarted.Output);
        Assert.Contains($"Event log tail in {last} was torn at offset", restarted.Output, StringComparison.Ordinal);
        Assert.Equal(snapshotAhead, restarted.Lines.Any(l => l.Contains("[3010]", StringComparison.Ordinal)));
        Assert.Equal(before, DataFolder.AssertConsistent(data, "after the restart").Events);
    }

    [Fact(Timeout = 120_000)]
    public async Task Start_EventLogFolderDeleted_RebuildsItFromTheJournalIdentical()
    {
        using var temp = new TempDirectory();
        string data = temp.Combine("data");
        List<LoggedEvent> before = await CreateAsync(data, cleanStop: true);
        Directory.Delete(DataFolder.Events(data), recursive: true);

        ServerProcess restarted = await RestartAndStopAsync(data);

        Assert.True(restarted.Lines.Any(l => l.Contains("[3010]", StringComparison.Ordinal)), restarted.Output);
        Assert.Equal(before, DataFolder.AssertConsistent(data, "after the rebuild").Events);
    }

    [Fact(Timeout = 120_000)]
    public async Task Start_FlippedByteInTheMiddleOfTheEventLog_RefusesNamingFileAndOffsetThenEventsRebuildRestoresTheSameEvents()
    {
        using var temp = new TempDirectory();
        string data = temp.Combine("data");
        List<LoggedEvent> before = await CreateAsync(data, cleanStop: true);
        string segment = LastSegment(data);
        long length = new FileInfo(segment).Length;
        FlipBit(segment, length / 2, 4);
        byte[] damaged = File.ReadAllBytes(segment);

        (int verifyCode, string verifyOutput) = DataFolder.Run("events", "verify", "--data", data);
        string problem = Assert.Single(verifyOutput.Split(Environment.NewLine), l => l.StartsWith("problem ", StringComparison.Ordinal));
        long offset = long.Parse(problem.Split(" offset ")[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        ServerProcess refused = ServerProcess.Launch(data);
        int refusedCode = await refused.WaitForExitAsync(ServerProcess.StartTimeout);
        await refused.DisposeAsync();

        Assert.Equal(OperatorCommands.Damaged, verifyCode);
        Assert.StartsWith($"problem    CORRUPT: {segment} offset ", problem, StringComparison.Ordinal);
        Assert.InRange(offset, 32, length / 2);
        Assert.NotEqual(0, refusedCode);
        Assert.Contains($"Start-up failed: Event log corrupted in {segment} at byte offset {offset} ", refused.Output, StringComparison.Ordinal);
        Assert.Contains("events rebuild", refused.Output, StringComparison.Ordinal);
        Assert.Equal(damaged, File.ReadAllBytes(segment)); // refusing changed nothing

        (int rebuildCode, string rebuildOutput) = DataFolder.Run("events", "rebuild", "--data", data);
        ServerProcess rebuilt = await RestartAndStopAsync(data);

        Assert.Equal(OperatorCommands.Ok, rebuildCode);
        string aside = Assert.Single(Directory.GetDirectories(data, "events.damaged-*"));
        Assert.Contains(aside, rebuildOutput, StringComparison.Ordinal);
        Assert.Equal(damaged, File.ReadAllBytes(Path.Combine(aside, Path.GetFileName(segment)))); // kept, not deleted
        Assert.True(rebuilt.Lines.Any(l => l.Contains("[3010]", StringComparison.Ordinal)), rebuilt.Output);
        Assert.Equal(before, DataFolder.AssertConsistent(data, "after the rebuild").Events);
        Assert.Equal(OperatorCommands.Ok, DataFolder.Run("events", "verify", "--data", data).Code);
    }

    [Fact(Timeout = 120_000)]
    public async Task Start_EventLogHoldsCommandsBeyondTheJournalsEnd_RefusesWithTheMessageThenEventsRebuildMatchesTheOlderJournal()
    {
        using var temp = new TempDirectory();
        string data = temp.Combine("data");
        List<LoggedEvent> older = await CreateAsync(data, cleanStop: true);
        long olderEnd = DataFolder.ReadJournal(data).Keys.Max();
        CopyFolder(DataFolder.Journal(data), temp.Combine("journal.older"));
        CopyFolder(Path.Combine(data, "snapshots"), temp.Combine("snapshots.older"));
        await using (ServerProcess more = await ServerProcess.StartAsync(data))
        {
            await PublishAsync(more, 2, 12, 100);
            await StopAsync(more);
        }

        long lastCommand = DataFolder.ReadEvents(data)[^1].CommandSequence;
        Directory.Delete(DataFolder.Journal(data), recursive: true);
        Directory.Delete(Path.Combine(data, "snapshots"), recursive: true);
        CopyFolder(temp.Combine("journal.older"), DataFolder.Journal(data));
        CopyFolder(temp.Combine("snapshots.older"), Path.Combine(data, "snapshots"));

        ServerProcess refused = ServerProcess.Launch(data);
        int refusedCode = await refused.WaitForExitAsync(ServerProcess.StartTimeout);
        await refused.DisposeAsync();

        Assert.NotEqual(0, refusedCode);
        Assert.Contains(
            $"The event log in {DataFolder.Events(data)} holds events of command {lastCommand}, but the journal in {DataFolder.Journal(data)} ends at sequence {olderEnd}.",
            refused.Output,
            StringComparison.Ordinal);
        Assert.True(lastCommand > olderEnd);

        Assert.Equal(OperatorCommands.Ok, DataFolder.Run("events", "rebuild", "--data", data).Code);
        await RestartAndStopAsync(data);

        Assert.Equal(older, DataFolder.AssertConsistent(data, "after the rebuild").Events);
    }

    private static void FlipBit(string path, long offset, int bit)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        file.Position = offset;
        int value = file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(value ^ (1 << bit)));
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
