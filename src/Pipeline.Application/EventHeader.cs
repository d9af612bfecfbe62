using System;
using System.Text;

namespace Pipeline.Application;

/// <summary>A stored event type: its name (e.g. <c>ledger.deposited</c>) and the schema version its payload is written in.</summary>
/// <remarks>Create one per type and version and reuse it: the engine writes its UTF-8 bytes with every event.</remarks>
public sealed class EventType
{
    /// <summary>Describes a stored event type.</summary>
    /// <exception cref="ArgumentException">The name is empty or longer than 255 UTF-8 bytes.</exception>
    public EventType(string name, ushort schemaVersion = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Utf8Name = Encoding.UTF8.GetBytes(name);
        if (Utf8Name.Length > 255)
        {
            throw new ArgumentException("An event type is at most 255 UTF-8 bytes.", nameof(name));
        }

        Name = name;
        SchemaVersion = schemaVersion;
    }

    /// <summary>The type name.</summary>
    public string Name { get; }

    /// <summary>The name's UTF-8 bytes.</summary>
    public byte[] Utf8Name { get; }

    /// <summary>The payload's schema version.</summary>
    public ushort SchemaVersion { get; }
}

/// <summary>Where an event is stored: its stream (the aggregate it belongs to) and its type.</summary>
/// <param name="Stream">The stream id (1 to 255 UTF-8 bytes), e.g. <c>account-a-1</c>; the engine numbers each stream's events 1, 2, 3, ...</param>
/// <param name="Type">The stored type.</param>
public readonly record struct EventHeader(string Stream, EventType Type);
