using System;
using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Schemas.Upcasting;

/// <summary>
/// Ready-made version steps for JSON object payloads. The member steps edit top-level members only, copy every other
/// member byte for byte, and allocate nothing; <see cref="Custom"/> takes any change and allocates a document per
/// payload it changes.
/// </summary>
/// <remarks>
/// <para>
/// The member steps leave unchanged a payload that is not one well-formed JSON object nested at most
/// <c>maxDepth</c> deep (64 unless given): give the depth limit of the application's own reader, so that a payload
/// its decoder refuses is still refused after the step, and the step never changes a verdict.
/// </para>
/// <para>
/// A member that the older version does not define was, under this project's rules, an unknown member that the older
/// version ignored (docs/protocol.md). So a step that gives a member its meaning in the newer version
/// (<see cref="RenameMember"/>'s new name, <see cref="AddMember"/>'s name) first drops a member of that name the
/// payload already had: upcasting never changes what an older payload meant.
/// </para>
/// </remarks>
public static class Upcast
{
    /// <summary>The nesting the member steps read unless told otherwise (<see cref="JsonReaderOptions.MaxDepth"/>'s default).</summary>
    public const int DefaultMaxDepth = 64;

    /// <summary>Version <paramref name="fromVersion"/> + 1 reads version <paramref name="fromVersion"/> as it is (a member added as optional, say): never a copy.</summary>
    public static IUpcaster Identity(string type, ushort fromVersion) => new IdentityStep(type, fromVersion);

    /// <summary>Drops every top-level member named <paramref name="name"/> (the older version ignored it; the newer one would read it).</summary>
    /// <remarks>
    /// A payload that does not hold the name is not parsed: without a backslash a name has one spelling, so a
    /// vectorised search for <c>"name"</c> decides. A payload with the name, or with any backslash (an escaped name
    /// like <c>"\u0072eference"</c>), is parsed and copied without that member.
    /// </remarks>
    public static IUpcaster RemoveMember(string type, ushort fromVersion, string name, int maxDepth = DefaultMaxDepth) =>
        new RemoveStep(type, fromVersion, CheckName(name, nameof(name)), JsonMembers.Options(maxDepth));

    /// <summary>Writes top-level members named <paramref name="oldName"/> under <paramref name="newName"/>; members already named <paramref name="newName"/> are dropped.</summary>
    /// <remarks>A payload that holds neither name is not parsed (as <see cref="RemoveMember"/>).</remarks>
    /// <exception cref="ArgumentException">A name is empty, or both are the same.</exception>
    public static IUpcaster RenameMember(string type, ushort fromVersion, string oldName, string newName, int maxDepth = DefaultMaxDepth)
    {
        CheckName(oldName, nameof(oldName));
        CheckName(newName, nameof(newName));
        if (oldName == newName)
        {
            throw new ArgumentException($"A rename needs two different names; both are '{oldName}'.", nameof(newName));
        }

        return new RenameStep(type, fromVersion, oldName, newName, JsonMembers.Options(maxDepth));
    }

    /// <summary>Adds the top-level member <paramref name="name"/> with the value <paramref name="defaultJsonValue"/> (JSON text, e.g. <c>0</c>, <c>"EUR"</c>, <c>[]</c>), after the others.</summary>
    /// <remarks>Every well-formed object payload is copied (the member is new to all of them); a member of that name it already had is dropped.</remarks>
    /// <exception cref="ArgumentException"><paramref name="defaultJsonValue"/> is not exactly one JSON value.</exception>
    public static IUpcaster AddMember(string type, ushort fromVersion, string name, string defaultJsonValue, int maxDepth = DefaultMaxDepth)
    {
        CheckName(name, nameof(name));
        JsonReaderOptions options = JsonMembers.Options(maxDepth);
        ArgumentNullException.ThrowIfNull(defaultJsonValue);
        byte[] value = Encoding.UTF8.GetBytes(defaultJsonValue.Trim());
        try
        {
            var reader = new Utf8JsonReader(value);
            if (!reader.Read())
            {
                throw new ArgumentException("The default value is empty; give JSON text such as 0, \"\" or null.", nameof(defaultJsonValue));
            }

            reader.Skip();
            if (reader.Read())
            {
                throw new ArgumentException($"The default value must be one JSON value: '{defaultJsonValue}'.", nameof(defaultJsonValue));
            }
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"The default value is not JSON: '{defaultJsonValue}' ({ex.Message}).", nameof(defaultJsonValue), ex);
        }

        return new AddStep(type, fromVersion, name, value, options);
    }

    /// <summary>A step of any shape: <paramref name="upcast"/> receives the payload's object (its own copy, which it may change) and returns the next version's.</summary>
    /// <remarks>
    /// Parses and writes a <see cref="JsonObject"/> for every payload, so it allocates: for changes the member steps
    /// cannot express (a member split in two, a unit converted). A payload that is not a JSON object is left as it
    /// is and <paramref name="upcast"/> is not called. <paramref name="upcast"/> must be pure and deterministic, like
    /// every step; what it throws goes to the caller.
    /// </remarks>
    public static IUpcaster Custom(string type, ushort fromVersion, Func<JsonObject, JsonObject> upcast)
    {
        ArgumentNullException.ThrowIfNull(upcast);
        return new CustomStep(type, fromVersion, upcast);
    }

    private static string CheckName(string name, string parameter)
    {
        ArgumentException.ThrowIfNullOrEmpty(name, parameter);
        return name;
    }

    private abstract class Step : IUpcaster
    {
        protected Step(string type, ushort fromVersion)
        {
            ArgumentException.ThrowIfNullOrEmpty(type);
            Type = type;
            FromVersion = fromVersion;
        }

        public string Type { get; }

        public ushort FromVersion { get; }

        public abstract bool TryUpcast(ReadOnlySpan<byte> payload, IBufferWriter<byte> output);

        public override string ToString() => $"{GetType().Name[..^4]} {Type} {FromVersion}->{FromVersion + 1}";
    }

    private sealed class IdentityStep(string type, ushort fromVersion) : Step(type, fromVersion)
    {
        public override bool TryUpcast(ReadOnlySpan<byte> payload, IBufferWriter<byte> output) => false;
    }

    private sealed class RemoveStep(string type, ushort fromVersion, string name, JsonReaderOptions options) : Step(type, fromVersion)
    {
        private readonly byte[] _name = Encoding.UTF8.GetBytes(name);
        private readonly byte[] _quoted = JsonMembers.QuotedUtf8(name);

        public override bool TryUpcast(ReadOnlySpan<byte> payload, IBufferWriter<byte> output)
        {
            ArgumentNullException.ThrowIfNull(output);
            if (!JsonMembers.MayContain(payload, _quoted) || !JsonMembers.TryFind(payload, options, _name, default, out bool found) || !found)
            {
                return false;
            }

            JsonMembers.Copy(payload, options, output, _name, default, default, default);
            return true;
        }
    }

    private sealed class RenameStep(string type, ushort fromVersion, string oldName, string newName, JsonReaderOptions options) : Step(type, fromVersion)
    {
        private readonly byte[] _old = Encoding.UTF8.GetBytes(oldName);
        private readonly byte[] _oldQuoted = JsonMembers.QuotedUtf8(oldName);
        private readonly byte[] _new = Encoding.UTF8.GetBytes(newName);
        private readonly byte[] _newQuoted = JsonMembers.QuotedUtf8(newName);
        private readonly byte[] _newEncoded = Encoding.UTF8.GetBytes("\"" + JsonEncodedText.Encode(newName).ToString() + "\"");

        public override bool TryUpcast(ReadOnlySpan<byte> payload, IBufferWriter<byte> output)
        {
            ArgumentNullException.ThrowIfNull(output);
            if (!JsonMembers.MayContain(payload, _oldQuoted) && !JsonMembers.MayContain(payload, _newQuoted))
            {
                return false;
            }

            if (!JsonMembers.TryFind(payload, options, _old, _new, out bool found) || !found)
            {
                return false;
            }

            JsonMembers.Copy(payload, options, output, _new, _old, _newEncoded, default);
            return true;
        }
    }

    private sealed class AddStep(string type, ushort fromVersion, string name, byte[] value, JsonReaderOptions options) : Step(type, fromVersion)
    {
        private readonly byte[] _name = Encoding.UTF8.GetBytes(name);
        private readonly byte[] _member = [.. Encoding.UTF8.GetBytes("\"" + JsonEncodedText.Encode(name).ToString() + "\":"), .. value];

        public override bool TryUpcast(ReadOnlySpan<byte> payload, IBufferWriter<byte> output)
        {
            ArgumentNullException.ThrowIfNull(output);
            if (!JsonMembers.TryFind(payload, options, _name, default, out _))
            {
                return false;
            }

            JsonMembers.Copy(payload, options, output, _name, default, default, _member);
            return true;
        }
    }

    private sealed class CustomStep(string type, ushort fromVersion, Func<JsonObject, JsonObject> upcast) : Step(type, fromVersion)
    {
        public override bool TryUpcast(ReadOnlySpan<byte> payload, IBufferWriter<byte> output)
        {
            ArgumentNullException.ThrowIfNull(output);
            JsonObject? source;
            try
            {
                source = JsonNode.Parse(payload) as JsonObject;

                // A JsonObject reads its members lazily: a repeated name would throw later, in the user's function.
                _ = source?.Count;
            }
            catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
            {
                return false;
            }

            if (source is null)
            {
                return false;
            }

            JsonObject result = upcast(source)
                ?? throw new InvalidOperationException($"The custom upcaster of '{Type}' from version {FromVersion} returned null; return the next version's object.");
            using var writer = new Utf8JsonWriter(output);
            result.WriteTo(writer);
            writer.Flush();
            return true;
        }
    }
}
