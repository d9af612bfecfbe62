using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Pipeline.EventStore;
using Pipeline.Journal;
using Pipeline.Journal.Maintenance;
using Pipeline.Journal.Snapshots;
using Pipeline.Hosting.Engine;
using Pipeline.Hosting.Replay;
using Pipeline.Ledger;
using Pipeline.Server.Cli;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Server.Tests;

public sealed class OperatorCommandsTests : IDisposable
{
    private const int Records = 1500;
    private static readonly DateTimeOffset s_start = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Data => _temp.Combine("data");

    private string JournalDirectory => Path.Combine(Data, "journal");

    private string SnapshotDirectory => Path.Combine(Data, "snapshots");

    private string EventDirectory => Path.Combine(Data, "events");

    // An event log of `count` same-sized events in 8 KiB segments (several); returns where each record starts.
    private List<(string Path, long Offset)> CreateEventLog(int count = 300)
    {
        var options = new EventLogOptions { Directory = EventDirectory, SegmentSizeBytes = 8192, MaxPayloadBytes = 1024 };
        var records = new List<(string Path, long Offset)>();
        string? lastPath = null;
        long lastEnd = 0;
        using EventLogWriter writer = EventLogWriter.Open(options);
        for (int i = 1; i <= count; i++)
        {
            writer.Append(new EventToAppend(Encoding.UTF8.GetBytes($"account-{i % 7:D4}"), (i / 7) + 1, "ledger.deposited"u8, 1, Encoding.UTF8.GetBytes($"{{\"amount\":{i % 10}}}"), i, s_start.AddMilliseconds(i).UtcTicks));
            writer.Flush();
            (long _, string path) = EventFiles(EventDirectory)[^1];
            long end = new FileInfo(path).Length;
            records.Add((path, path == lastPath ? lastEnd : -1)); // -1: the first record of a segment (not needed here)
            (lastPath, lastEnd) = (path, end);
        }

        return records;
    }

    private static List<(long First, string Path)> EventFiles(string directory) =>
        [.. Directory.EnumerateFiles(directory, "events-*.log").Order(StringComparer.Ordinal).Select(p => (long.Parse(Path.GetFileNameWithoutExtension(p)["events-".Length..], CultureInfo.InvariantCulture), p))];

    // Ledger commands from the seeded workload, record i stamped s_start + i ms; several 64 KiB segments.
    private List<WorkloadCommand> CreateJournal(int count = Records)
    {
        var workload = new LedgerWorkload(seed: 42);
        var commands = new List<WorkloadCommand>();
        var clock = new ManualTimeProvider(s_start);
        using JournalWriter writer = JournalWriter.Open(TestJournalOptions.Small(JournalDirectory), logger: null, time: clock);
        for (int i = 1; i <= count; i++)
        {
            WorkloadCommand command = workload.Next();
            clock.SetUtcNow(s_start.AddMilliseconds(i));
            writer.Append(command.Type, 1, command.ProducerId, command.ProducerSequence, command.Payload);
            commands.Add(command);
        }

        writer.Commit();
        return commands;
    }

    // A snapshot named `sequence` holding the state after records 1..appliedUpTo (a different state when they differ).
    private SnapshotInfo WriteSnapshot(long sequence, long appliedUpTo)
    {
        var app = new LedgerApplication();
        // With the ledger's flows, as the service (and replay --verify) runs them by default.
        using var replay = new ApplicationReplay<LedgerApplication, LedgerState, DecodedLedgerCommand, LedgerEvent>(app, new EngineState<LedgerState>(app.CreateState()) { Flows = new EngineStreams<LedgerEvent>(app.Streams) });
        long timestamp = 0;
        using (JournalCursor cursor = new JournalReader(JournalDirectory).ReadFrom(1, appliedUpTo))
        {
            while (cursor.TryRead(out JournalRecord record))
            {
                replay.Apply(record);
                timestamp = record.TimestampTicks;
            }
        }

        using var scheduler = new SnapshotScheduler(new FileSnapshotStore(SnapshotDirectory, keep: 10), intervalEvents: long.MaxValue);
        return scheduler.WriteNow(sequence, timestamp, replay.State);
    }

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        int code = OperatorCommands.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Time(long sequence) =>
        s_start.AddMilliseconds(sequence).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    [Fact]
    public void JournalVerify_HealthyJournal_ReturnsZeroWithCountsInTheOutput()
    {
        CreateJournal();
        int segments = JournalFiles.Segments(JournalDirectory).Count;

        (int code, string output, string error) = Run("journal", "verify", "--data", Data);

        Assert.Equal(OperatorCommands.Ok, code);
        Assert.True(segments > 1, "the journal should span several segments");
        Assert.Contains($"segments   {segments}", Lines(output));
        Assert.Contains($"records    {Records}", Lines(output));
        Assert.Contains($"sequences  1 .. {Records}", Lines(output));
        Assert.Contains($"timestamps {Time(1)} .. {Time(Records)}", Lines(output));
        Assert.Contains("problems   none", Lines(output));
        Assert.Empty(error);
    }

    [Fact]
    public void JournalVerify_TornTail_ReturnsOneAndSaysItIsRecoverable()
    {
        CreateJournal();
        string last = JournalFiles.Segments(JournalDirectory)[^1].Path;
        StoredRecord lastRecord = JournalFiles.ReadAll(JournalDirectory, Records)[0];
        using (var file = new FileStream(last, FileMode.Open))
        {
            file.SetLength(lastRecord.Position + 20);
        }

        (int code, string output, _) = Run("journal", "verify", "--data", Data);

        Assert.Equal(OperatorCommands.TornTail, code);
        Assert.Contains($"records    {Records - 1}", Lines(output));
        Assert.Contains($"problem    torn tail (truncated on the next start): {last} offset {lastRecord.Position} sequence {Records}:", output, StringComparison.Ordinal);
        Assert.DoesNotContain("repair", output, StringComparison.Ordinal);
    }

    [Fact]
    public void JournalVerify_CorruptMiddleRecord_ReturnsTwoNamingFileOffsetSequenceAndSuggestingTruncate()
    {
        CreateJournal();
        string first = JournalFiles.Segments(JournalDirectory)[0].Path;
        StoredRecord damaged = JournalFiles.ReadAll(JournalDirectory, 100, 100)[0];
        JournalFiles.FlipBit(first, damaged.Position + damaged.Length - 1, 3);

        (int code, string output, _) = Run("journal", "verify", "--data", Data);

        Assert.Equal(OperatorCommands.Damaged, code);
        Assert.Contains($"problem    CORRUPT: {first} offset {damaged.Position} sequence 100:", output, StringComparison.Ordinal);
        Assert.Contains("repair     'journal truncate --after 99'", output, StringComparison.Ordinal);
    }

    [Fact]
    public void JournalVerify_MissingDataFolder_ReturnsNonZeroWithAMessageNamingTheFolder()
    {
        string missing = _temp.Combine("nowhere");

        (int code, string output, string error) = Run("journal", "verify", "--data", missing);

        Assert.NotEqual(OperatorCommands.Ok, code);
        Assert.Empty(output);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(missing, "journal"), error, StringComparison.Ordinal);
    }

    [Fact]
    public void JournalDump_FromAndCount_PrintsExactlyThoseRecords()
    {
        List<WorkloadCommand> commands = CreateJournal();

        (int code, string output, string error) = Run("journal", "dump", "--from", "10", "--count", "5", "--data", Data);

        Assert.Equal(OperatorCommands.Ok, code);
        Assert.Empty(error);
        string[] expected = [.. Enumerable.Range(10, 5).Select(s =>
        {
            WorkloadCommand c = commands[s - 1];
            return string.Create(CultureInfo.InvariantCulture, $"{s,10} {Time(s)} producer={c.ProducerId}/{c.ProducerSequence} type={c.TypeName} v1 payload={c.PayloadText}");
        })];
        Assert.Equal(expected, output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void JournalDump_FromBeyondTheEnd_SaysThereAreNoRecords()
    {
        CreateJournal(10);

        (int code, string output, _) = Run("journal", "dump", "--from=11", "--data", Data);

        Assert.Equal(OperatorCommands.Ok, code);
        Assert.Equal(["no records from sequence 11"], Lines(output));
    }

    [Fact]
    public void JournalTruncate_After_KeepsOneToNAndRemovesSnapshotsBeyondN()
    {
        CreateJournal();
        SnapshotInfo kept = WriteSnapshot(500, 500);
        SnapshotInfo beyond = WriteSnapshot(1200, 1200);

        (int code, string output, string error) = Run("journal", "truncate", "--after", "800", "--data", Data);

        Assert.Equal(OperatorCommands.Ok, code);
        Assert.Empty(error);
        JournalReport report = JournalVerifier.Verify(JournalDirectory);
        Assert.Empty(report.Problems);
        Assert.Equal((800L, 1L, 800L), (report.Records, report.FirstSequence, report.LastSequence));
        Assert.True(File.Exists(kept.Path));
        Assert.False(File.Exists(beyond.Path));
        Assert.Contains($"removed snapshot {beyond.Path}", output, StringComparison.Ordinal);
        Assert.Equal(OperatorCommands.Ok, Run("replay", "--verify", "--data", Data).Code);
    }

    [Fact]
    public void JournalTruncate_EventLogBeyondTheCut_SaysToRebuildTheEventLogOnlyThen()
    {
        CreateJournal();
        CreateEventLog(); // events of commands 1..300

        (int withinCode, string within, _) = Run("journal", "truncate", "--after", "1000", "--data", Data);
        (int beyondCode, string beyond, _) = Run("journal", "truncate", "--after", "200", "--data", Data);

        Assert.Equal((OperatorCommands.Ok, OperatorCommands.Ok), (withinCode, beyondCode));
        Assert.DoesNotContain("events rebuild", within, StringComparison.Ordinal);
        Assert.Contains("the event log holds events of commands up to 300, beyond the cut: run 'events rebuild' before the next start", Lines(beyond));
    }

    [Fact]
    public void JournalTruncate_AfterADamagedRecord_RefusesWithTwoAndChangesNothing()
    {
        CreateJournal();
        string first = JournalFiles.Segments(JournalDirectory)[0].Path;
        StoredRecord damaged = JournalFiles.ReadAll(JournalDirectory, 100, 100)[0];
        JournalFiles.FlipBit(first, damaged.Position + damaged.Length - 1, 0);
        long bytesBefore = new FileInfo(first).Length;

        (int code, _, string error) = Run("journal", "truncate", "--after", "200", "--data", Data);

        Assert.Equal(OperatorCommands.Damaged, code);
        Assert.Contains("Truncate after 99 or earlier", error, StringComparison.Ordinal);
        Assert.Equal(bytesBefore, new FileInfo(first).Length);
    }

    [Fact]
    public void SnapshotList_OneDamaged_ShowsOkAndUnusableAndReturnsTwo()
    {
        CreateJournal();
        SnapshotInfo good = WriteSnapshot(500, 500);
        SnapshotInfo bad = WriteSnapshot(1000, 1000);
        JournalFiles.FlipBit(bad.Path, bad.SizeBytes - 1, 5);

        (int code, string output, _) = Run("snapshot", "list", "--data", Data);

        Assert.Equal(OperatorCommands.Damaged, code);
        string[] lines = Lines(output);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("1000 ", lines[0], StringComparison.Ordinal);
        Assert.Contains("UNUSABLE: the payload CRC does not match", lines[0], StringComparison.Ordinal);
        Assert.EndsWith(bad.Path, lines[0], StringComparison.Ordinal);
        Assert.StartsWith("500 ", lines[1], StringComparison.Ordinal);
        Assert.Contains($"digest={good.Digest:x16} ok {good.Path}", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void SnapshotList_AllUsable_ReturnsZero()
    {
        CreateJournal();
        WriteSnapshot(500, 500);

        (int code, string output, _) = Run("snapshot", "list", "--data", Data);

        Assert.Equal(OperatorCommands.Ok, code);
        Assert.Contains(" ok ", Assert.Single(Lines(output)), StringComparison.Ordinal);
    }

    [Fact]
    public void SnapshotList_NoSnapshots_SaysSoAndReturnsZero()
    {
        CreateJournal(10);

        (int code, string output, _) = Run("snapshot", "list", "--data", Data);

        Assert.Equal(OperatorCommands.Ok, code);
        Assert.Equal([$"no snapshots in {SnapshotDirectory}"], Lines(output));
    }

    [Fact]
    public void ReplayVerify_SnapshotAgreesWithTheJournal_ReturnsZeroDigestsMatch()
    {
        CreateJournal();
        WriteSnapshot(1000, 1000);

        (int code, string output, _) = Run("replay", "--verify", "--data", Data);

        Assert.Equal(OperatorCommands.Ok, code);
        Assert.Contains($"snapshot + tail   snapshot at 1000 + {Records - 1000} commands", output, StringComparison.Ordinal);
        Assert.Contains("digests match", Lines(output));
    }

    [Fact]
    public void ReplayVerify_SnapshotOfADifferentState_ReturnsTwoWithMismatch()
    {
        CreateJournal();
        WriteSnapshot(1000, appliedUpTo: 900);

        (int code, string output, _) = Run("replay", "--verify", "--data", Data);

        Assert.Equal(OperatorCommands.Damaged, code);
        Assert.Contains("MISMATCH", output, StringComparison.Ordinal);
        Assert.DoesNotContain("digests match", output, StringComparison.Ordinal);
    }

    [Fact]
    public void ReplayVerify_NoSnapshot_ReturnsZeroWithNothingToCompare()
    {
        CreateJournal(50);

        (int code, string output, _) = Run("replay", "--verify", "--data", Data);

        Assert.Equal(OperatorCommands.Ok, code);
        Assert.Contains("journal only      sequences 1..50: 50 commands", output, StringComparison.Ordinal);
        Assert.Contains("snapshot + tail   no usable snapshot; nothing to compare", Lines(output));
    }

    [Fact]
    public void ReplayVerify_DamagedJournal_ReturnsTwo()
    {
        CreateJournal();
        string first = JournalFiles.Segments(JournalDirectory)[0].Path;
        StoredRecord damaged = JournalFiles.ReadAll(JournalDirectory, 100, 100)[0];
        JournalFiles.FlipBit(first, damaged.Position + damaged.Length - 1, 1);

        (int code, string output, _) = Run("replay", "--verify", "--data", Data);

        Assert.Equal(OperatorCommands.Damaged, code);
        Assert.Contains("the journal is damaged", output, StringComparison.Ordinal);
    }

    [Fact]
    public void EventsVerify_HealthyLog_ReturnsZeroWithCountsInTheOutput()
    {
        CreateEventLog();
        int segments = EventFiles(EventDirectory).Count;

        (int code, string output, string error) = Run("events", "verify", "--data", Data);

        Assert.Equal(OperatorCommands.Ok, code);
        Assert.Empty(error);
        Assert.True(segments > 1, "the event log should span several segments");
        Assert.Contains($"event log  {EventDirectory}", Lines(output));
        Assert.Contains($"segments   {segments}", Lines(output));
        Assert.Contains("events     300", Lines(output));
        Assert.Contains("positions  1 .. 300", Lines(output));
        Assert.Contains("commands   1 .. 300", Lines(output));
        Assert.Contains("problems   none", Lines(output));
    }

    [Fact]
    public void EventsVerify_TornTail_ReturnsOneAndSaysItIsRecoverable()
    {
        List<(string Path, long Offset)> records = CreateEventLog();
        (string last, long offset) = records[^1];
        using (var file = new FileStream(last, FileMode.Open))
        {
            file.SetLength(offset + 11);
        }

        (int code, string output, _) = Run("events", "verify", "--data", Data);

        Assert.Equal(OperatorCommands.TornTail, code);
        Assert.Contains("events     299", Lines(output));
        Assert.Contains($"problem    torn tail (truncated on the next start, then completed from the journal): {last} offset {offset} position 300:", output, StringComparison.Ordinal);
        Assert.DoesNotContain("repair", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)] // in the first, sealed segment: the writer's open checks only its header and last record
    [InlineData(1)] // in the last segment, with records after it
    public void EventsVerify_FlippedByteInAMiddleRecord_ReturnsTwoNamingFileOffsetAndPositionChangingNothing(int segment)
    {
        List<(string Path, long Offset)> records = CreateEventLog();
        string path = EventFiles(EventDirectory)[segment == 0 ? 0 : ^1].Path;
        int index = records.FindIndex(r => r.Path == path && r.Offset > 0);
        index += (records.FindLastIndex(r => r.Path == path) - index) / 2;
        (_, long offset) = records[index];
        JournalFiles.FlipBit(path, offset + 40, 2);
        byte[] before = File.ReadAllBytes(path);

        (int code, string output, _) = Run("events", "verify", "--data", Data);

        Assert.Equal(OperatorCommands.Damaged, code);
        Assert.Contains($"problem    CORRUPT: {path} offset {offset} position {index + 1}:", output, StringComparison.Ordinal);
        Assert.Contains($"events     {index}", Lines(output));
        Assert.Contains("repair     'events rebuild'", output, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void EventsVerify_NoEventLog_SaysTheNextStartBuildsItAndReturnsZero()
    {
        CreateJournal(10);

        (int code, string output, _) = Run("events", "verify", "--data", Data);

        Assert.Equal(OperatorCommands.Ok, code);
        Assert.Contains("events     none (the next start builds the event log from the journal)", Lines(output));
    }

    [Fact]
    public void EventsRebuild_DamagedLog_MovesTheFolderAsideWithEveryFileAndReturnsZero()
    {
        CreateJournal();
        CreateEventLog();
        string[] files = [.. Directory.EnumerateFiles(EventDirectory).Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal)];
        JournalFiles.FlipBit(EventFiles(EventDirectory)[0].Path, 100, 0);

        (int code, string output, string error) = Run("events", "rebuild", "--data", Data);

        Assert.Equal(OperatorCommands.Ok, code);
        Assert.Empty(error);
        Assert.False(Directory.Exists(EventDirectory));
        string moved = Assert.Single(Directory.GetDirectories(Data, "events.damaged-*"));
        Assert.Matches(@"events\.damaged-\d{8}T\d{9}Z$", moved);
        Assert.Equal(files, Directory.EnumerateFiles(moved).Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal));
        Assert.Contains($"moved the event log {EventDirectory} to {moved}", output, StringComparison.Ordinal);
        Assert.Equal(OperatorCommands.Ok, Run("events", "verify", "--data", Data).Code);
    }

    [Fact]
    public void EventsRebuild_WhileTheServiceHoldsTheLog_RefusesWithTwoAndMovesNothing()
    {
        CreateJournal(10);
        using EventLogWriter writer = EventLogWriter.Open(new EventLogOptions { Directory = EventDirectory });

        (int code, string output, string error) = Run("events", "rebuild", "--data", Data);

        Assert.Equal(OperatorCommands.Damaged, code);
        Assert.Empty(output);
        Assert.Contains("in use by another writer", error, StringComparison.Ordinal);
        Assert.True(Directory.Exists(EventDirectory));
        Assert.Empty(Directory.GetDirectories(Data, "events.damaged-*"));
    }

    [Fact]
    public void EventsRebuild_JournalCutByRetention_RefusesWithTwoAndMovesNothing()
    {
        CreateJournal();
        CreateEventLog(10);
        File.Delete(JournalFiles.Segments(JournalDirectory)[0].Path);

        (int code, _, string error) = Run("events", "rebuild", "--data", Data);

        Assert.Equal(OperatorCommands.Damaged, code);
        Assert.Contains("retention removed the older segments", error, StringComparison.Ordinal);
        Assert.True(Directory.Exists(EventDirectory));
        Assert.Empty(Directory.GetDirectories(Data, "events.damaged-*"));
    }

    [Fact]
    public void EventsRebuild_NoEventLog_SaysSoAndReturnsZero()
    {
        CreateJournal(10);

        (int code, string output, _) = Run("events", "rebuild", "--data", Data);

        Assert.Equal(OperatorCommands.Ok, code);
        Assert.Equal([$"no event log in {EventDirectory}: the next start builds it from the journal"], Lines(output));
    }

    [Theory]
    [InlineData("--data=DIR")]
    [InlineData("--Pipeline:DataDirectory=DIR")]
    public void JournalVerify_DataFolderInEitherForm_IsUsed(string option)
    {
        CreateJournal(10);

        (int code, string output, _) = Run("journal", "verify", option.Replace("DIR", Data, StringComparison.Ordinal));

        Assert.Equal(OperatorCommands.Ok, code);
        Assert.Contains($"journal    {JournalDirectory}", Lines(output));
    }

    // DATA stands for the test's data folder.
    public static TheoryData<string[], string> UsageErrors => new()
    {
        { ["replay", "--data", "DATA"], "replay takes --verify (rebuild and compare; the service replays by itself at start-up)." },
        { ["replay", "--verify", "--data", "DATA", "--Pipeline:Schemas:Validation=Sometimes"], "--Pipeline:Schemas:Validation: 'Sometimes' is not Off, Rejections or All." },
        { ["replay", "--verify", "--data", "DATA", "--Pipeline:Schemas:Validation=7"], "--Pipeline:Schemas:Validation: '7' is not Off, Rejections or All." },
        { ["journal", "frobnicate"], "Unknown command 'journal frobnicate'." },
        { ["journal"], "Unknown command 'journal'." },
        { ["snapshot", "delete"], "Unknown command 'snapshot delete'." },
        { ["journal", "verify", "--data", "DATA", "--bogus"], "Unknown option '--bogus'. Options here: --data." },
        { ["journal", "verify", "--data", "DATA", "stray"], "Unexpected argument 'stray'." },
        { ["journal", "truncate", "--data", "DATA", "--after"], "--after needs a value." },
        { ["journal", "truncate", "--data", "DATA"], "--after is required." },
        { ["journal", "truncate", "--data", "DATA", "--after", "-1"], "--after must be a non-negative integer, not '-1'." },
        { ["journal", "truncate", "--data", "DATA", "--after", "1", "--verify"], "Unknown option '--verify'. Options here: --after, --data." },
        { ["journal", "dump", "--data", "DATA", "--from", "abc"], "--from must be a non-negative integer, not 'abc'." },
        { ["journal", "dump", "--data", "DATA", "--from", "0"], "--from must be at least 1." },
        { ["journal", "dump", "--data", "DATA", "--count", "many"], "--count must be a non-negative integer, not 'many'." },
        { ["journal", "verify", "--data"], "--data needs a folder." },
        { ["events", "frobnicate"], "Unknown command 'events frobnicate'." },
        { ["events", "rebuild", "--data", "DATA", "--force"], "Unknown option '--force'. Options here: --data." },
    };

    [Theory]
    [MemberData(nameof(UsageErrors))]
    public void Run_BadCommandLine_Returns64WithTheReasonOnTheErrorWriter(string[] args, string message)
    {
        CreateJournal(10);
        long bytesBefore = JournalFiles.Segments(JournalDirectory).Sum(s => new FileInfo(s.Path).Length);

        (int code, string output, string error) = Run([.. args.Select(a => a == "DATA" ? Data : a)]);

        Assert.Equal(OperatorCommands.Usage, code);
        Assert.Empty(output);
        Assert.Equal(["error: " + message, "Run 'Pipeline.Server help' for the commands."], Lines(error));
        Assert.Equal(bytesBefore, JournalFiles.Segments(JournalDirectory).Sum(s => new FileInfo(s.Path).Length));
    }

    [Theory]
    [InlineData("help")]
    [InlineData("--help")]
    public void Run_Help_ReturnsZeroAndListsTheVerbs(string verb)
    {
        (int code, string output, string error) = Run(verb);

        Assert.Equal(OperatorCommands.Ok, code);
        Assert.Empty(error);
        foreach (string command in new[] { "journal verify", "journal dump --from N --count M", "journal truncate --after N", "events verify", "events rebuild", "snapshot list", "replay --verify" })
        {
            Assert.Contains(command, output, StringComparison.Ordinal);
        }
    }
}
