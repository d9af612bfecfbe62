using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using Pipeline.Streams.Hosting;

namespace Pipeline.Streams.Tests.Hosting;

/// <summary>One call to an <see cref="IStreamOutput"/>: a result (or, when <see cref="IsLate"/>, a late event) with a copy of its payload.</summary>
internal sealed record OutputRecord(bool IsLate, string Stream, string? Key, long WindowEnd, byte[] Payload)
{
    public JsonElement Json => JsonDocument.Parse(Payload).RootElement.Clone();
}

/// <summary>An <see cref="IStreamOutput"/> test double that copies every payload, in call order.</summary>
internal sealed class RecordingOutput : IStreamOutput
{
    public List<OutputRecord> Records { get; } = new();

    public List<OutputRecord> Results => Records.FindAll(r => !r.IsLate);

    public List<OutputRecord> LateEvents => Records.FindAll(r => r.IsLate);

    public void Result(StreamDefinition stream, string? key, long windowEnd, ReadOnlySpan<byte> payload) =>
        Records.Add(new OutputRecord(false, stream.Name, key, windowEnd, payload.ToArray()));

    public void Late(StreamDefinition stream, ReadOnlySpan<byte> payload) =>
        Records.Add(new OutputRecord(true, stream.Name, null, 0, payload.ToArray()));

    /// <summary>The ticks of a UTC ISO-8601 time property; fails unless it is a string with a UTC designator.</summary>
    public static long Ticks(JsonElement time)
    {
        if (time.ValueKind != JsonValueKind.String)
        {
            throw new InvalidOperationException($"Expected an ISO-8601 string, got {time.ValueKind}: {time.GetRawText()}");
        }

        string text = time.GetString()!;
        if (!text.EndsWith('Z'))
        {
            throw new InvalidOperationException($"Expected a UTC time, got '{text}'.");
        }

        DateTime parsed = DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        if (parsed.Kind != DateTimeKind.Utc)
        {
            throw new InvalidOperationException($"Expected a UTC time, got '{text}'.");
        }

        return parsed.Ticks;
    }

    public static List<string> PropertyNames(JsonElement element)
    {
        var names = new List<string>();
        foreach (JsonProperty property in element.EnumerateObject())
        {
            names.Add(property.Name);
        }

        return names;
    }
}
