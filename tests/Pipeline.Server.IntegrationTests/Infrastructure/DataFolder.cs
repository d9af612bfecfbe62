using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Pipeline.EventStore;
using Pipeline.Journal;
using Pipeline.Server.Cli;
using Xunit;

namespace Pipeline.Server.IntegrationTests.Infrastructure;

/// <summary>Reads and checks a stopped server's data folder: the event log against the journal and the ACKs.</summary>
internal static class DataFolder
{
    public static string Events(string data) => Path.Combine(data, "events");

    public static string Journal(string data) => Path.Combine(data, "journal");

    /// <summary>Every event in the log, in position order.</summary>
    public static List<LoggedEvent> ReadEvents(string data)
    {
        var events = new List<LoggedEvent>();
        var reader = new EventLogReader(new EventLogOptions { Directory = Events(data) });
        using EventLogCursor cursor = reader.ReadForward(1);
        while (cursor.TryRead(out EventRecord e))
        {
            events.Add(new LoggedEvent(e.Position, e.CommandSequence, Encoding.UTF8.GetString(e.StreamId), e.StreamVersion, Encoding.UTF8.GetString(e.Type),
                e.SchemaVersion, e.TimestampTicks, e.ProducerId, Encoding.UTF8.GetString(e.Payload)));
        }

        return events;
    }

    /// <summary>The journal's commands: sequence -> command type.</summary>
    public static Dictionary<long, string> ReadJournal(string data)
    {
        var commands = new Dictionary<long, string>();
        using JournalCursor cursor = new JournalReader(Journal(data)).ReadFrom(1);
        while (cursor.TryRead(out JournalRecord record))
        {
            commands.Add(record.Sequence, record.TypeName);
        }

        return commands;
    }

    /// <summary>Runs an operator verb in process (as <c>Pipeline.Server VERB ...</c> would).</summary>
    public static (int Code, string Output) Run(params string[] args)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        int code = OperatorCommands.Run(args, output, output);
        return (code, output.ToString());
    }

    /// <summary>The events a command of <paramref name="type"/> that was accepted leaves in the log.</summary>
    public static string[] EventTypesOf(string type) => type switch
    {
        "ledger.open" => ["ledger.opened"],
        "ledger.deposit" => ["ledger.deposited"],
        "ledger.withdraw" => ["ledger.withdrawn"],
        "ledger.transfer" => ["ledger.transferred", "ledger.transferred"],
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a ledger command"),
    };

    /// <summary>
    /// Positions 1..N without a gap, every stream's versions 1..k, every event's command in the journal, every
    /// journaled command with all of its events or none, and <c>replay --verify</c> finding the log equal to the
    /// re-decided journal. <paramref name="context"/> goes into every failure message (the seed).
    /// </summary>
    public static (List<LoggedEvent> Events, Dictionary<long, string> Journal) AssertConsistent(string data, string context)
    {
        List<LoggedEvent> events = ReadEvents(data);
        Dictionary<long, string> journal = ReadJournal(data);
        for (int i = 0; i < events.Count; i++)
        {
            Assert.True(events[i].Position == i + 1, $"{context}: event #{i + 1} carries position {events[i].Position}");
        }

        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (LoggedEvent e in events)
        {
            long expected = versions.GetValueOrDefault(e.Stream) + 1;
            Assert.True(e.StreamVersion == expected, $"{context}: event {e.Position} in {e.Stream} has version {e.StreamVersion}, {expected} expected");
            versions[e.Stream] = expected;
            Assert.True(journal.ContainsKey(e.CommandSequence), $"{context}: event {e.Position} belongs to command {e.CommandSequence}, which the journal (1..{journal.Count}) does not hold");
        }

        foreach (IGrouping<long, LoggedEvent> command in events.GroupBy(e => e.CommandSequence))
        {
            string[] expected = EventTypesOf(journal[command.Key]);
            Assert.True(expected.SequenceEqual(command.Select(e => e.Type)),
                $"{context}: command {command.Key} ({journal[command.Key]}) has events [{string.Join(", ", command.Select(e => e.Type))}], expected [{string.Join(", ", expected)}] or none");
        }

        (int code, string output) = Run("replay", "--verify", "--data", data, "--no-streams"); // the test servers run without windows
        Assert.True(code == OperatorCommands.Ok, $"{context}: replay --verify returned {code}:{Environment.NewLine}{output}");
        Assert.Contains($"event log         {events.Count} events equal to the re-decided journal, field by field", output, StringComparison.Ordinal);
        return (events, journal);
    }
}
