using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Pipeline.EventStore;
using Pipeline.Protocol;
using Pipeline.Streams.Hosting;

namespace Pipeline.Hosting.Engine;

/// <summary>
/// The latest result of each flow per key (and of each top-list flow per window), answering the queries
/// <c>pipeline.streams</c> and <c>pipeline.stream.results</c>. Fed on the read-model thread once results are durable;
/// seeded at start from the result streams in the event store.
/// </summary>
/// <remarks>Writers: the read-model thread. Readers: connection threads. A lock: results arrive a few per window, not per event.</remarks>
internal sealed class StreamResultsView
{
    /// <summary>At start, the most results read back from each result stream to seed the view.</summary>
    public const int SeedResults = 10_000;

    /// <summary>The windows kept per flow and key (each window's latest revision); older ones are read from the flow's stream.</summary>
    public const int KeptWindows = 32;

    private readonly object _lock = new();
    private readonly StreamDefinition[] _definitions;
    private readonly Dictionary<string, int> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Latest>>[] _latest;
    private readonly Func<int, long> _lateEvents;
    private Func<(bool Pending, long Applied)> _progress = static () => (false, 0);
    private readonly long[] _latestEnd;

    /// <param name="definitions">The flows.</param>
    /// <param name="lateEvents">A flow's late events so far (its state's count).</param>
    public StreamResultsView(IReadOnlyList<StreamDefinition> definitions, Func<int, long> lateEvents)
    {
        _lateEvents = lateEvents;
        _definitions = [.. definitions];
        _latest = new Dictionary<string, List<Latest>>[_definitions.Length];
        _latestEnd = new long[_definitions.Length];
        for (int i = 0; i < _definitions.Length; i++)
        {
            _byName.Add(_definitions[i].Name, i);
            _latest[i] = new Dictionary<string, List<Latest>>(StringComparer.Ordinal);
            _latestEnd[i] = long.MinValue;
        }
    }

    /// <summary>Where the flows are: whether a window waits to close, and the last journal sequence they were fed (the application stage's).</summary>
    public void ObserveProgress(Func<(bool Pending, long Applied)> progress) => _progress = progress;

    /// <summary>Files one durable output (a result replaces its key's older ones; a late event is counted).</summary>
    public void Apply(in StreamOutput output, ReadOnlySpan<byte> payload, long position)
    {
        lock (_lock)
        {
            if (output.IsLate)
            {
                return; // stored in <name>.late, counted by the flow
            }

            File(output.Stream, output.Key ?? string.Empty, output.WindowEnd, payload, position);
        }
    }

    private void File(int stream, string key, long end, ReadOnlySpan<byte> payload, long position)
    {
        if (!_latest[stream].TryGetValue(key, out List<Latest>? windows))
        {
            windows = [];
            _latest[stream][key] = windows;
        }

        // Ordered by window end; a correction (same end) replaces its window's earlier revision.
        int at = windows.FindIndex(w => w.End >= end);
        if (at >= 0 && windows[at].End == end)
        {
            if (windows[at].Position < position)
            {
                windows[at] = new Latest(end, position, payload.ToArray());
            }

            return; // or seen at start and again in the replay of the journal's tail
        }

        windows.Insert(at < 0 ? windows.Count : at, new Latest(end, position, payload.ToArray()));
        if (windows.Count > KeptWindows)
        {
            windows.RemoveAt(0);
        }

        _latestEnd[stream] = Math.Max(_latestEnd[stream], end);
    }

    /// <summary>Reads the latest <see cref="SeedResults"/> results of each flow back from the event store.</summary>
    public void Seed(EventStoreReader store, IReadOnlyDictionary<string, long> streamVersions)
    {
        for (int i = 0; i < _definitions.Length; i++)
        {
            if (!streamVersions.TryGetValue(_definitions[i].Name, out long version))
            {
                continue;
            }

            var sink = new SeedSink(this, i);
            long from = Math.Max(1, version - SeedResults + 1);
            byte[] stream = Encoding.UTF8.GetBytes(_definitions[i].Name);
            while (true)
            {
                EventReadResult read = store.ReadStream(stream, from, 1024, sink);
                if (read.Count == 0 || read.Next <= from)
                {
                    break;
                }

                from = read.Next;
            }
        }
    }

    /// <summary>Answers <c>pipeline.streams</c> (no arguments) or <c>pipeline.stream.results</c> (<c>{"stream": name, "key": optional}</c>).</summary>
    public (ResultStatus Status, string Body) Query(string name, ReadOnlySpan<byte> args)
    {
        lock (_lock)
        {
            return name == "pipeline.streams" ? (ResultStatus.Ok, List()) : Results(args);
        }
    }

    private string List()
    {
        (bool pending, long applied) = _progress();
        var body = new StringBuilder("{\"pending\":").Append(pending ? "true" : "false")
            .Append(",\"applied\":").Append(applied.ToString(CultureInfo.InvariantCulture))
            .Append(",\"streams\":[");
        for (int i = 0; i < _definitions.Length; i++)
        {
            StreamDefinition definition = _definitions[i];
            body.Append(i == 0 ? "" : ",")
                .Append("{\"name\":").Append(JsonSerializer.Serialize(definition.Name))
                .Append(",\"late_type\":").Append(JsonSerializer.Serialize(definition.LateType))
                .Append(",\"top\":").Append(definition.Top.ToString(CultureInfo.InvariantCulture))
                .Append(",\"keys\":").Append(_latest[i].Count.ToString(CultureInfo.InvariantCulture))
                .Append(",\"late_events\":").Append(_lateEvents(i).ToString(CultureInfo.InvariantCulture))
                .Append('}');
        }

        return body.Append("]}").ToString();
    }

    private (ResultStatus, string) Results(ReadOnlySpan<byte> args)
    {
        string? stream = null;
        string? key = null;
        long? end = null;
        try
        {
            var reader = new Utf8JsonReader(args);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return Bad("the arguments are a JSON object: {\"stream\": name, \"key\": optional}");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string property = reader.GetString()!;
                reader.Read();
                switch (property)
                {
                    case "stream" when reader.TokenType == JsonTokenType.String:
                        stream = reader.GetString();
                        break;
                    case "key" when reader.TokenType == JsonTokenType.String:
                        key = reader.GetString();
                        break;
                    case "end" when reader.TokenType == JsonTokenType.String && reader.TryGetDateTime(out DateTime at):
                        end = at.ToUniversalTime().Ticks;
                        break;
                    default:
                        return Bad($"unknown or mistyped argument '{property}' (expected \"stream\", and optionally \"key\" and \"end\" (an ISO 8601 time), strings)");
                }
            }
        }
        catch (JsonException ex)
        {
            return Bad("the arguments are not JSON: " + ex.Message);
        }

        if (stream is null)
        {
            return Bad("\"stream\" is required");
        }

        if (!_byName.TryGetValue(stream, out int index))
        {
            return (ResultStatus.NotFound, "{\"error\":" + JsonSerializer.Serialize($"no stream named '{stream}' (pipeline.streams lists them)") + "}");
        }

        Dictionary<string, List<Latest>> latest = _latest[index];
        var body = new StringBuilder("{\"stream\":").Append(JsonSerializer.Serialize(stream)).Append(",\"results\":[");
        if (key is not null || end is not null)
        {
            // One key's latest window, or the window ending at `end` (a global flow's key is "").
            List<Latest>? windows = latest.GetValueOrDefault(key ?? string.Empty);
            int found = windows is null ? -1 : end is null ? windows.Count - 1 : windows.FindIndex(w => w.End == end);
            if (found < 0)
            {
                string what = end is null ? $"no result for key '{key}'" : $"no result for key '{key ?? string.Empty}' and the window ending at {new DateTime(end.Value, DateTimeKind.Utc):O} among the last {KeptWindows} windows";
                return (ResultStatus.NotFound, "{\"error\":" + JsonSerializer.Serialize($"{what} in '{stream}'") + "}");
            }

            body.Append(Encoding.UTF8.GetString(windows![found].Payload));
        }
        else
        {
            // The latest window: every key whose latest result ends where the newest one does, oldest first.
            var newest = new List<Latest>();
            foreach (List<Latest> windows in latest.Values)
            {
                if (windows[^1].End == _latestEnd[index])
                {
                    newest.Add(windows[^1]);
                }
            }

            newest.Sort(static (a, b) => a.Position.CompareTo(b.Position));
            for (int i = 0; i < newest.Count; i++)
            {
                body.Append(i == 0 ? "" : ",").Append(Encoding.UTF8.GetString(newest[i].Payload));
            }
        }

        return (ResultStatus.Ok, body.Append("]}").ToString());
    }

    private static (ResultStatus, string) Bad(string message) => (ResultStatus.BadRequest, "{\"error\":" + JsonSerializer.Serialize(message) + "}");

    private readonly record struct Latest(long End, long Position, byte[] Payload);

    private sealed class SeedSink(StreamResultsView view, int stream) : IEventRecordSink
    {
        public bool TryAccept(in EventRecord record)
        {
            (string key, long end) = KeyAndEnd(record.Payload);
            view.File(stream, key, end, record.Payload, record.Position);
            return true;
        }

        private static (string Key, long End) KeyAndEnd(ReadOnlySpan<byte> payload)
        {
            string key = string.Empty;
            long end = long.MinValue;
            var reader = new Utf8JsonReader(payload);
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("key"u8))
                {
                    reader.Read();
                    key = reader.GetString() ?? string.Empty;
                }
                else if (reader.ValueTextEquals("end"u8))
                {
                    reader.Read();
                    end = reader.TokenType == JsonTokenType.String ? reader.GetDateTime().Ticks : reader.GetInt64();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            return (key, end);
        }
    }
}
