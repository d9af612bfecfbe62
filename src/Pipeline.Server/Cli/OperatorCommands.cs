using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Pipeline.Journal;
using Pipeline.Journal.Maintenance;
using Pipeline.Journal.Replay;
using Pipeline.Journal.Snapshots;
using Pipeline.EventStore;
using Pipeline.EventStore.Maintenance;
using Pipeline.Hosting;
using Pipeline.Hosting.Engine;
using Pipeline.Hosting.Replay;
using Microsoft.Extensions.Configuration;
using Pipeline.Ledger;
using LedgerReplay = Pipeline.Hosting.Replay.ApplicationReplay<Pipeline.Ledger.LedgerApplication, Pipeline.Ledger.LedgerState, Pipeline.Ledger.DecodedLedgerCommand, Pipeline.Ledger.LedgerEvent>;

namespace Pipeline.Server.Cli;

/// <summary>
/// The operator verbs: <c>journal verify|dump|truncate</c>, <c>events verify|rebuild</c>, <c>snapshot list</c>,
/// <c>replay --verify</c>.
/// Exit codes: 0 fine, 1 a torn tail only (recovered on the next start), 2 damage or a mismatch, 64 bad usage.
/// </summary>
internal static class OperatorCommands
{
    public const int Ok = 0;
    public const int TornTail = 1;
    public const int Damaged = 2;
    public const int Usage = 64;

    public static readonly string[] Verbs = ["journal", "events", "snapshot", "replay", "catalog", "schemas", "help", "--help"];

    public static bool IsVerb(string[] args) => args.Length > 0 && Array.IndexOf(Verbs, args[0]) >= 0;

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        try
        {
            return (args[0], args.Length > 1 ? args[1] : null) switch
            {
                ("journal", "verify") => Verify(CliArguments.Parse(args, 2), output),
                ("journal", "dump") => Dump(CliArguments.Parse(args, 2, "from", "count"), output),
                ("journal", "truncate") => Truncate(CliArguments.Parse(args, 2, "after"), output),
                ("events", "verify") => VerifyEvents(CliArguments.Parse(args, 2), output),
                ("events", "rebuild") => RebuildEvents(CliArguments.Parse(args, 2), output),
                ("snapshot", "list") => ListSnapshots(CliArguments.Parse(args, 2), output),
                ("replay", _) => ReplayVerify(args, output),
                ("catalog", _) => WriteCatalog(args, output),
                ("schemas", "publish" or "verify") => Schemas(args, output),
                ("help" or "--help", _) => Help(output),
                _ => throw new CliException($"Unknown command '{string.Join(' ', args)}'."),
            };
        }
        catch (CliException ex)
        {
            error.WriteLine("error: " + ex.Message);
            error.WriteLine("Run 'Pipeline.Server help' for the commands.");
            return Usage;
        }
        catch (Exception ex) when (ex is JournalCorruptedException or EventLogCorruptedException)
        {
            error.WriteLine("error: " + ex.Message);
            return Damaged;
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            error.WriteLine("error: " + ex.Message);
            return Damaged;
        }
    }

    private static int Help(TextWriter output)
    {
        output.WriteLine("""
            Pipeline.Server                       run the worker service (options as --Key=value)
            Pipeline.Server journal verify        scan every segment and record; report problems
            Pipeline.Server journal dump --from N --count M
                                                  print records N .. N+M-1
            Pipeline.Server journal truncate --after N
                                                  drop every record after sequence N (explicit repair;
                                                  refuses while the service runs)
            Pipeline.Server events verify         scan every event record; report damage with file and offset
            Pipeline.Server events rebuild        move the event log aside (to events.damaged-<time>, never
                                                  deleted) so the next start rebuilds it from the journal;
                                                  refuses while the service runs
            Pipeline.Server snapshot list         list snapshots with their checks
            Pipeline.Server send TYPE JSON        publish one command to a running service (--host, --port,
                                                  --schema-version N: the payload's version, default 1)
            Pipeline.Server query NAME JSON       query a running service (--min-sequence N)
            Pipeline.Server ping                  check that a service answers
            Pipeline.Server read                  print stored events as JSON lines ('read --help')
            Pipeline.Server subscribe (or tail)   follow events live as JSON lines: --from-start | --from-end |
                                                  --from N, --consumer NAME [--commit-every N], --stream |
                                                  --stream-prefix | --type-prefix | --producer, --count N
            Pipeline.Server fetch                 one long-poll fetch: --from N --max N --max-bytes N --wait-ms MS,
                                                  filters as subscribe; ends with {"next":..,"head":..}
            Pipeline.Server consumers list        durable consumers: position, lag, commits (--json)
            Pipeline.Server consumers reset NAME --to N
                                                  set a consumer's checkpoint (backwards too)
            Pipeline.Server consumers delete NAME forget a consumer
            Pipeline.Server catalog [--out DIR] [--format json|asyncapi]
                                                  the event catalog generated from the code: the folder
                                                  (Markdown pages, catalog.json, asyncapi.json; docs/catalog
                                                  is its output), or one document on stdout
            Pipeline.Server schemas verify|publish [--folder DIR]
                                                  compare the ledger's and the engine's schemas with the
                                                  committed ones (src/Pipeline.Ledger/schemas, or DIR; and
                                                  src/Pipeline.Schemas/schemas), or add the new versions'
            Pipeline.Server replay --verify       rebuild the ledger from the journal alone and from the
                                                  newest snapshot + journal; compare state digests
                                                  (reads the ledger's windows from appsettings.json, the environment and
                                                  --Ledger:*=V; --no-streams or --Pipeline:Streams:Enabled=false: the
                                                  service ran without its windows; --Pipeline:Schemas:Validation=V as
                                                  the service ran)
            Client commands (send .. consumers) take --host H --port P (default 127.0.0.1:7400).
            Every other command takes --data DIR (default ./data, or --Pipeline:DataDirectory=DIR).
            Exit codes: 0 fine, 1 torn tail only (recovered at next start), 2 damage or mismatch, 64 usage.
            """);
        return Ok;
    }

    private static string Time(long ticks) =>
        ticks == 0 ? "-" : new DateTime(ticks, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static int Verify(CliArguments args, TextWriter output)
    {
        JournalReport report = JournalVerifier.Verify(args.JournalDirectory);
        output.WriteLine($"journal    {args.JournalDirectory}");
        output.WriteLine($"segments   {report.Segments.Count}");
        output.WriteLine($"records    {report.Records}");
        output.WriteLine($"sequences  {report.FirstSequence} .. {report.LastSequence}");
        output.WriteLine($"timestamps {Time(report.FirstTimestampTicks)} .. {Time(report.LastTimestampTicks)}");
        output.WriteLine($"bytes      {report.Bytes}");
        if (report.Problems.Count == 0)
        {
            output.WriteLine("problems   none");
            return Ok;
        }

        foreach (JournalProblem problem in report.Problems)
        {
            string kind = problem.IsTornTail ? "torn tail (truncated on the next start)" : "CORRUPT";
            output.WriteLine($"problem    {kind}: {problem.File} offset {problem.Position} sequence {problem.Sequence}: {problem.Description}");
        }

        if (report.IsHealthy)
        {
            return TornTail;
        }

        output.WriteLine($"repair     'journal truncate --after {report.LastSequence}' keeps sequences up to {report.LastSequence} and drops the rest");
        return Damaged;
    }

    private static int VerifyEvents(CliArguments args, TextWriter output)
    {
        output.WriteLine($"event log  {args.EventDirectory}");
        if (!Directory.Exists(args.EventDirectory))
        {
            output.WriteLine("events     none (the next start builds the event log from the journal)");
            return Ok;
        }

        EventLogReport report = EventLogVerifier.Verify(new EventLogOptions { Directory = args.EventDirectory });
        output.WriteLine($"segments   {report.Segments.Count}");
        output.WriteLine($"events     {report.Events}");
        output.WriteLine($"positions  {report.FirstPosition} .. {report.LastPosition}");
        output.WriteLine($"commands   {report.FirstCommandSequence} .. {report.LastCommandSequence}");
        output.WriteLine($"bytes      {report.Bytes}");
        if (report.Problems.Count == 0)
        {
            output.WriteLine("problems   none");
            return Ok;
        }

        foreach (EventLogProblem problem in report.Problems)
        {
            string kind = problem.IsTornTail ? "torn tail (truncated on the next start, then completed from the journal)" : "CORRUPT";
            output.WriteLine($"problem    {kind}: {problem.File} offset {problem.Offset} position {problem.Position}: {problem.Description}");
        }

        if (report.IsHealthy)
        {
            return TornTail;
        }

        output.WriteLine("repair     'events rebuild' moves the event log aside; the next start rebuilds it from the journal");
        return Damaged;
    }

    private static int RebuildEvents(CliArguments args, TextWriter output)
    {
        if (!Directory.Exists(args.EventDirectory))
        {
            output.WriteLine($"no event log in {args.EventDirectory}: the next start builds it from the journal");
            return Ok;
        }

        // The rebuild re-decides every command from sequence 1: a journal that retention cut cannot give them back.
        if (!Directory.Exists(args.JournalDirectory))
        {
            throw new DirectoryNotFoundException($"There is no journal folder '{args.JournalDirectory}': the event log cannot be rebuilt without it; nothing was moved.");
        }

        long first = new JournalReader(args.JournalDirectory).FirstSequence;
        if (first != 1)
        {
            throw new InvalidOperationException(
                $"The journal in '{args.JournalDirectory}' starts at sequence {first} (retention removed the older segments): the event log cannot be rebuilt from it; nothing was moved. Restore the archived segments first.");
        }

        string moved = EventLogRepair.MoveAside(args.EventDirectory, DateTimeOffset.UtcNow);
        output.WriteLine($"moved the event log {args.EventDirectory} to {moved} (kept; delete it once the rebuilt log is verified)");
        output.WriteLine("the next start rebuilds the event log from the journal; then 'replay --verify' compares it with the journal");
        return Ok;
    }

    private static int Dump(CliArguments args, TextWriter output)
    {
        long from = args.GetLong("from", 1);
        long count = args.GetLong("count", 20);
        if (from < 1)
        {
            throw new CliException("--from must be at least 1.");
        }

        var reader = new JournalReader(args.JournalDirectory);
        using JournalCursor cursor = reader.ReadFrom(from);
        long shown = 0;
        while (shown < count && cursor.TryRead(out JournalRecord record))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{record.Sequence,10} {Time(record.TimestampTicks)} producer={record.ProducerId}/{record.ProducerSequence} type={record.TypeName} v{record.SchemaVersion} payload={Printable(record.Payload)}"));
            shown++;
        }

        if (shown == 0)
        {
            output.WriteLine($"no records from sequence {from}");
        }

        return Ok;
    }

    private static string Printable(ReadOnlySpan<byte> payload)
    {
        try
        {
            return new UTF8Encoding(false, true).GetString(payload);
        }
        catch (DecoderFallbackException)
        {
            return "0x" + Convert.ToHexString(payload);
        }
    }

    private static int Truncate(CliArguments args, TextWriter output)
    {
        long after = args.GetLong("after");
        long removed = JournalRepair.TruncateAfter(args.JournalDirectory, after);
        output.WriteLine($"truncated the journal after sequence {after}: {removed} bytes removed");
        var snapshots = new FileSnapshotStore(args.SnapshotDirectory);
        foreach (SnapshotInfo snapshot in snapshots.List())
        {
            if (snapshot.Sequence > after)
            {
                File.Delete(snapshot.Path);
                output.WriteLine($"removed snapshot {snapshot.Path}: it covers sequence {snapshot.Sequence}, beyond the cut");
            }
        }

        // The service refuses to start on an event log that holds events of commands the journal no longer has.
        if (Directory.Exists(args.EventDirectory))
        {
            using EventLogCursor last = new EventLogReader(new EventLogOptions { Directory = args.EventDirectory }).ReadBackward(long.MaxValue, 1);
            if (last.TryRead(out EventRecord record) && record.CommandSequence > after)
            {
                output.WriteLine($"the event log holds events of commands up to {record.CommandSequence}, beyond the cut: run 'events rebuild' before the next start");
            }
        }

        return Ok;
    }

    private static int ListSnapshots(CliArguments args, TextWriter output)
    {
        var store = new FileSnapshotStore(args.SnapshotDirectory);
        IReadOnlyList<SnapshotInfo> snapshots = store.List();
        if (snapshots.Count == 0)
        {
            output.WriteLine($"no snapshots in {args.SnapshotDirectory}");
            return Ok;
        }

        int code = Ok;
        foreach (SnapshotInfo s in snapshots)
        {
            output.WriteLine($"{s.Sequence,10} {Time(s.TimestampTicks)} {s.SizeBytes,12} bytes digest={s.Digest:x16} {(s.IsValid ? "ok" : "UNUSABLE: " + s.Problem)} {s.Path}");
            code = s.IsValid ? code : Damaged;
        }

        return code;
    }

    // catalog [--out DIR] [--format json|asyncapi]: the folder (Markdown, catalog.json, asyncapi.json), or one document on stdout.
    private static int WriteCatalog(string[] arguments, TextWriter output)
    {
        string? folder = null;
        string format = "json";
        for (int i = 1; i < arguments.Length; i++)
        {
            string name = arguments[i];
            string value = i + 1 < arguments.Length ? arguments[++i] : throw new CliException($"{name} needs a value.");
            switch (name)
            {
                case "--out":
                    folder = value;
                    break;
                case "--format" when value is "json" or "asyncapi":
                    format = value;
                    break;
                case "--format":
                    throw new CliException($"--format takes json or asyncapi (got '{value}').");
                default:
                    throw new CliException($"Unknown option '{name}'. Options here: --out DIR, --format json|asyncapi.");
            }
        }

        Pipeline.Schemas.Catalog.EventCatalog catalog = Pipeline.Ledger.Catalog.LedgerCatalog.Create(new LedgerApplication());
        if (folder is null)
        {
            output.Write(format == "json" ? Pipeline.Schemas.Catalog.CatalogWriter.ToJson(catalog) : Pipeline.Schemas.Catalog.CatalogWriter.ToAsyncApi(catalog));
            return Ok;
        }

        Directory.CreateDirectory(folder);
        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string relative, string text) in Pipeline.Schemas.Catalog.CatalogWriter.Files(catalog))
        {
            File.WriteAllText(Path.Combine(folder, relative), text);
            written.Add(relative);
        }

        // Pages of entries that no longer exist would go stale: the folder is the generator's alone.
        foreach (string stale in Directory.EnumerateFiles(folder).Where(f => !written.Contains(Path.GetFileName(f))).ToList())
        {
            File.Delete(stale);
        }

        output.WriteLine($"wrote {written.Count} files to {folder}");
        return Ok;
    }

    // schemas publish|verify [--folder F]: the published schemas, lock folders: the ledger's (src/Pipeline.Ledger/schemas,
    // or F) and, without --folder, the engine's queries' (src/Pipeline.Schemas/schemas).
    private static int Schemas(string[] arguments, TextWriter output)
    {
        string? folder = null;
        for (int i = 2; i < arguments.Length; i++)
        {
            if (arguments[i] != "--folder" || i + 1 >= arguments.Length)
            {
                throw new CliException($"Unexpected argument '{arguments[i]}'. Options here: --folder DIR.");
            }

            folder = arguments[++i];
        }

        var locks = new List<(Pipeline.Schemas.SchemaRegistry Registry, string Folder)>
        {
            (Pipeline.Ledger.Catalog.LedgerCatalog.CreateSchemas(), folder ?? Pipeline.Ledger.Catalog.LedgerCatalog.SchemaFolder),
        };
        if (folder is null)
        {
            locks.Add((Pipeline.Schemas.Catalog.EngineCatalog.CreateSchemas(), Pipeline.Schemas.Catalog.EngineCatalog.SchemaFolder));
        }

        // Every folder is verified before any is written: a changed published version is never re-published, and
        // verify and publish both refuse it.
        bool damaged = false;
        var reports = new List<Pipeline.Schemas.SchemaLockReport>(locks.Count);
        foreach ((Pipeline.Schemas.SchemaRegistry registry, string lockFolder) in locks)
        {
            Pipeline.Schemas.SchemaLockReport report = Pipeline.Schemas.SchemaLockFolder.Verify(registry, lockFolder);
            reports.Add(report);
            if (!report.IsSuccess)
            {
                output.WriteLine(report.Describe());
                damaged = true;
            }
        }

        if (damaged)
        {
            return Damaged;
        }

        for (int i = 0; i < locks.Count; i++)
        {
            (Pipeline.Schemas.SchemaRegistry registry, string lockFolder) = locks[i];
            if (arguments[1] == "verify")
            {
                output.WriteLine(reports[i].UnpublishedVersions.Count == 0
                    ? $"{registry.Registrations.Count} schema versions match {lockFolder}"
                    : $"match; not yet published: {string.Join(", ", reports[i].UnpublishedVersions.Select(r => $"{r.TypeName} v{r.Version}"))} (run 'schemas publish')");
                continue;
            }

            foreach (string path in Pipeline.Schemas.SchemaLockFolder.WriteMissing(registry, lockFolder))
            {
                output.WriteLine("published " + path);
            }
        }

        return Ok;
    }

    private static int ReplayVerify(IReadOnlyList<string> arguments, TextWriter output)
    {
        // The flows' and the schema check's settings as the service reads them: appsettings.json, environment, then
        // --Ledger:*, --Pipeline:Streams:* and --Pipeline:Schemas:* arguments, so that the replay decides as the service did.
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var rest = new List<string>();
        foreach (string argument in arguments)
        {
            int eq = argument.IndexOf('=', StringComparison.Ordinal);
            if (eq > 2 && (argument.StartsWith("--Ledger:", StringComparison.OrdinalIgnoreCase) || argument.StartsWith("--Pipeline:Streams:", StringComparison.OrdinalIgnoreCase) || argument.StartsWith("--Pipeline:Schemas:", StringComparison.OrdinalIgnoreCase)))
            {
                settings[argument[2..eq]] = argument[(eq + 1)..];
            }
            else
            {
                rest.Add(argument);
            }
        }

        IConfiguration configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(settings)
            .Build();
        CliArguments args = CliArguments.Parse(rest, 1, "verify?", "no-streams?");
        if (!args.HasFlag("verify"))
        {
            throw new CliException("replay takes --verify (rebuild and compare; the service replays by itself at start-up).");
        }

        JournalReport report = JournalVerifier.Verify(args.JournalDirectory);
        if (!report.IsHealthy)
        {
            output.WriteLine("the journal is damaged; run 'journal verify' for details");
            return Damaged;
        }

        long last = report.LastSequence;
        var reader = new JournalReader(args.JournalDirectory);
        var snapshots = new FileSnapshotStore(args.SnapshotDirectory);
        var coordinator = new ReplayCoordinator(reader, snapshots);

        LedgerApplication app;
        try
        {
            app = LedgerSettings.CreateLedger(configuration);
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException ex)
        {
            throw new CliException(string.Join(" ", ex.Failures));
        }

        // The service runs the ledger's windows unless Pipeline:Streams:Enabled=false; --no-streams replays as it did then.
        bool streams = !args.HasFlag("no-streams") && configuration.GetValue("Pipeline:Streams:Enabled", true);
        EngineState<LedgerState> NewState() => new(app.CreateState()) { Flows = streams ? new EngineStreams<LedgerEvent>(app.Streams) : null };
        EventLogReader? storedEvents = Directory.Exists(args.EventDirectory) ? new EventLogReader(new EventLogOptions { Directory = args.EventDirectory }) : null;
        string validationText = configuration.GetValue("Pipeline:Schemas:Validation", nameof(PayloadValidation.All))!;
        if (!Enum.TryParse(validationText, ignoreCase: true, out PayloadValidation validation) || !Enum.IsDefined(validation) || int.TryParse(validationText, out _))
        {
            throw new CliException($"--Pipeline:Schemas:Validation: '{validationText}' is not Off, Rejections or All.");
        }

        using var full = new LedgerReplay(app, NewState(), storedEvents, validation: validation);
        bool fullPossible = reader.FirstSequence == 1;
        ulong fullDigest = 0;
        if (fullPossible)
        {
            coordinator.Replay(1, last, full);
            fullDigest = full.State.ComputeDigest();
            output.WriteLine($"journal only      sequences 1..{last}: {full.Applied - full.Ticks} commands, {full.Rejected} rejected, {full.Ticks} ticks, {full.State.LastPosition} events, digest {fullDigest:x16}");
            if (storedEvents is null)
            {
                output.WriteLine("event log         none (the event store was off, or the log was moved away)");
            }
            else if (full.FirstMismatch is not null || full.EventsMissing > 0 || full.StoredHasMore())
            {
                output.WriteLine(full.FirstMismatch is not null
                    ? $"MISMATCH: the stored event log differs from the re-decided journal: {full.FirstMismatch}"
                    : full.EventsMissing > 0
                        ? $"MISMATCH: the event log lacks the last {full.EventsMissing} events the journal decides"
                        : "MISMATCH: the event log holds events after the last one the journal decides");
                return Damaged;
            }
            else
            {
                output.WriteLine($"event log         {full.EventsMatched} events equal to the re-decided journal, field by field");
            }
        }
        else
        {
            output.WriteLine($"journal only      impossible: retention removed sequences before {reader.FirstSequence}");
        }

        RecoveryStart<EngineState<LedgerState>> start = coordinator.LoadState(NewState);
        if (start.Snapshot is null)
        {
            output.WriteLine("snapshot + tail   no usable snapshot; nothing to compare");
            return fullPossible ? Ok : Damaged;
        }

        using var tail = new LedgerReplay(app, start.State, validation: validation);
        coordinator.Replay(start.NextSequence, last, tail);
        ulong tailDigest = tail.State.ComputeDigest();
        output.WriteLine($"snapshot + tail   snapshot at {start.Snapshot.Sequence} + {tail.Applied} commands: digest {tailDigest:x16}");
        if (fullPossible && tailDigest != fullDigest)
        {
            output.WriteLine("MISMATCH: the state rebuilt from the snapshot differs from the state rebuilt from the journal");
            return Damaged;
        }

        output.WriteLine(fullPossible ? "digests match" : "snapshot + tail replayed cleanly");
        return Ok;
    }
}
