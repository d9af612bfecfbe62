using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Application;
using Pipeline.Journal.Snapshots;

namespace Pipeline.Server.IntegrationTests.SecondApplication;

/// <summary>
/// A second, small application on the engine, to prove the contract is general: named counters. Commands
/// <c>counter.add {"counter": "x", "by": 3}</c> and <c>counter.reset {"counter": "x"}</c>; events
/// <c>counter.added</c> and <c>counter.reset</c> in stream <c>counter-x</c>; query <c>counter.value</c>.
/// Adding makes no counter go above 1000 (<c>over_limit</c>); resetting an unknown counter is <c>unknown_counter</c>.
/// </summary>
internal class CounterApplication : IApplication<CounterState, CounterCommand, CounterEvent>
{
    public static readonly EventType Added = new("counter.added");
    public static readonly EventType Reset = new("counter.reset");

    public CommandTypes Commands { get; } = new(new CommandType("counter.add", 1), new CommandType("counter.reset", 1));

    public CounterState CreateState() => new();

    public ICommandDecoder<CounterCommand> CreateDecoder(CounterState state) => new Decoder();

    public string? Decide(CounterState state, in CounterCommand command, in CommandContext context, EventSink<CounterEvent> events)
    {
        long current = state.Values.GetValueOrDefault(command.Counter);
        if (command.IsReset)
        {
            if (!state.Values.ContainsKey(command.Counter))
            {
                return "unknown_counter";
            }

            events.Emit(new CounterEvent(command.Counter, 0, 0, IsReset: true));
            return null;
        }

        if (current + command.By > 1000)
        {
            return "over_limit";
        }

        events.Emit(new CounterEvent(command.Counter, command.By, current + command.By, IsReset: false));
        return null;
    }

    public void Evolve(CounterState state, in CounterEvent @event, in EventContext context) => state.Values[@event.Counter] = @event.Value;

    public EventHeader Describe(in CounterEvent @event) => new("counter-" + @event.Counter, @event.IsReset ? Reset : Added);

    public void WritePayload(in CounterEvent @event, IBufferWriter<byte> payload)
    {
        using var writer = new Utf8JsonWriter(payload);
        writer.WriteStartObject();
        writer.WriteString("counter", @event.Counter);
        writer.WriteNumber("by", @event.By);
        writer.WriteNumber("value", @event.Value);
        writer.WriteEndObject();
    }

    public ReadSide<CounterEvent> CreateReadSide(CounterState state, ApplicationServices services)
    {
        var model = new CounterReadModel(state);
        return new ReadSide<CounterEvent>(model, model);
    }

    private sealed class Decoder : ICommandDecoder<CounterCommand>
    {
        public bool TryDecode(int typeIndex, ushort schemaVersion, ReadOnlySpan<byte> payload, out CounterCommand command, out string? rejectReason)
        {
            command = default;
            rejectReason = "malformed_payload";
            try
            {
                using JsonDocument document = JsonDocument.Parse(payload.ToArray());
                JsonElement root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("counter", out JsonElement counter) || counter.ValueKind != JsonValueKind.String)
                {
                    return false;
                }

                long by = 0;
                if (typeIndex == 0 && (!root.TryGetProperty("by", out JsonElement byElement) || byElement.ValueKind != JsonValueKind.Number || !byElement.TryGetInt64(out by) || by < 1))
                {
                    return false;
                }

                command = new CounterCommand(counter.GetString()!, by, IsReset: typeIndex == 1);
                rejectReason = null;
                return true;
            }
            catch (JsonException)
            {
                return false;
            }
        }
    }
}

internal readonly record struct CounterCommand(string Counter, long By, bool IsReset);

internal readonly record struct CounterEvent(string Counter, long By, long Value, bool IsReset);

internal sealed class CounterState : ISnapshotable
{
    public Dictionary<string, long> Values { get; } = new(StringComparer.Ordinal);

    public ISnapshotCapture CaptureSnapshot() => new Capture(new SortedDictionary<string, long>(Values, StringComparer.Ordinal));

    public void RestoreSnapshot(Stream source)
    {
        using var reader = new BinaryReader(source, Encoding.UTF8, leaveOpen: true);
        int count = reader.ReadInt32();
        for (int i = 0; i < count; i++)
        {
            Values.Add(reader.ReadString(), reader.ReadInt64());
        }
    }

    public ulong ComputeDigest() => CaptureSnapshot().Digest;

    private sealed class Capture(SortedDictionary<string, long> values) : ISnapshotCapture
    {
        public ulong Digest
        {
            get
            {
                ulong hash = 14695981039346656037;
                foreach ((string key, long value) in values)
                {
                    foreach (byte b in Encoding.UTF8.GetBytes(key + "=" + value + ";"))
                    {
                        hash = (hash ^ b) * 1099511628211;
                    }
                }

                return hash;
            }
        }

        public void WriteTo(Stream destination)
        {
            using var writer = new BinaryWriter(destination, Encoding.UTF8, leaveOpen: true);
            writer.Write(values.Count);
            foreach ((string key, long value) in values)
            {
                writer.Write(key);
                writer.Write(value);
            }
        }
    }
}

/// <summary>The counters' read model, fed by their events; also answers <c>counter.value {"counter": "x"}</c>.</summary>
internal sealed class CounterReadModel : IReadModel<CounterEvent>, IQueryHandler
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _values = new(StringComparer.Ordinal);

    public CounterReadModel(CounterState state)
    {
        foreach ((string key, long value) in state.Values)
        {
            _values[key] = value;
        }
    }

    public void Apply(in CounterEvent @event, in EventContext context) => _values[@event.Counter] = @event.Value;

    public void Publish(long sequence)
    {
    }

    public string? Prepare(string name, ReadOnlySpan<byte> args, out object? prepared)
    {
        prepared = null;
        if (name != "counter.value")
        {
            return $"unknown query '{name}'";
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(args.ToArray());
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("counter", out JsonElement counter) && counter.ValueKind == JsonValueKind.String)
            {
                prepared = counter.GetString();
                return null;
            }
        }
        catch (JsonException)
        {
        }

        return "args must be {\"counter\": \"...\"}";
    }

    public ValueTask<QueryAnswer> Execute(object? prepared, CancellationToken cancellationToken)
    {
        string counter = (string)prepared!;
        return ValueTask.FromResult(_values.TryGetValue(counter, out long value)
            ? new QueryAnswer(0, Encoding.UTF8.GetBytes($"{{\"counter\":{JsonSerializer.Serialize(counter)},\"value\":{value}}}"))
            : new QueryAnswer(1, Encoding.UTF8.GetBytes("{\"error\":\"no such counter\"}")));
    }
}
