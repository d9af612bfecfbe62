using System;
using System.Buffers;
using System.Text.Json;

namespace Pipeline.Schemas.Upcasting;

/// <summary>
/// The top-level member edits of <see cref="Upcast"/>: one pass of <see cref="Utf8JsonReader"/> to check the payload
/// and find the members, a second to copy it. Members are copied byte for byte (only the whitespace between them
/// goes), so values keep their exact spelling: numbers, escapes and nested objects read the same in every version.
/// </summary>
internal static class JsonMembers
{
    /// <summary>The reader's options for payloads nested at most <paramref name="maxDepth"/> deep.</summary>
    public static JsonReaderOptions Options(int maxDepth)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxDepth);
        return new JsonReaderOptions { MaxDepth = maxDepth };
    }

    /// <summary>The bytes a member named <paramref name="name"/> must contain when the payload has no backslash.</summary>
    public static byte[] QuotedUtf8(string name) => System.Text.Encoding.UTF8.GetBytes("\"" + name + "\"");

    /// <summary>
    /// Whether <paramref name="payload"/> can hold a member spelled <paramref name="quotedName"/>. Without a backslash
    /// a name has one spelling only, its UTF-8 bytes in quotes; a vectorised search rules it out without parsing.
    /// </summary>
    public static bool MayContain(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> quotedName) =>
        payload.IndexOf(quotedName) >= 0 || payload.IndexOf((byte)'\\') >= 0;

    /// <summary>
    /// Whether <paramref name="payload"/> is one well-formed JSON object (within <paramref name="options"/>' depth), and whether a top-level member of it is named
    /// <paramref name="first"/> or <paramref name="second"/> (an empty name matches nothing). Never throws.
    /// </summary>
    public static bool TryFind(ReadOnlySpan<byte> payload, JsonReaderOptions options, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, out bool found)
    {
        found = false;
        var reader = new Utf8JsonReader(payload, options);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                found |= Is(ref reader, first) || Is(ref reader, second);
                reader.Read();
                reader.Skip();
            }

            // The object is closed (an unclosed one throws); anything after it but whitespace throws too.
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// Copies the object <paramref name="payload"/> (checked by <see cref="TryFind"/>) to <paramref name="output"/>:
    /// members named <paramref name="drop"/> are left out, members named <paramref name="rename"/> are written under
    /// <paramref name="renamedTo"/> (quoted, escaped), and <paramref name="append"/> (a whole member) is added last.
    /// </summary>
    public static void Copy(ReadOnlySpan<byte> payload, JsonReaderOptions options, IBufferWriter<byte> output, ReadOnlySpan<byte> drop, ReadOnlySpan<byte> rename, ReadOnlySpan<byte> renamedTo, ReadOnlySpan<byte> append)
    {
        var reader = new Utf8JsonReader(payload, options);
        reader.Read();
        Write(output, "{"u8);
        bool first = true;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            // For input in one span the name's value span is its raw, still escaped, bytes.
            ReadOnlySpan<byte> rawName = reader.ValueSpan;
            bool dropped = Is(ref reader, drop);
            bool renamed = !dropped && Is(ref reader, rename);
            reader.Read();
            int valueStart = (int)reader.TokenStartIndex;
            reader.Skip();
            if (dropped)
            {
                continue;
            }

            if (!first)
            {
                Write(output, ","u8);
            }

            first = false;
            if (renamed)
            {
                Write(output, renamedTo);
            }
            else
            {
                Write(output, "\""u8);
                Write(output, rawName);
                Write(output, "\""u8);
            }

            Write(output, ":"u8);
            Write(output, payload[valueStart..(int)reader.BytesConsumed]);
        }

        if (!append.IsEmpty)
        {
            if (!first)
            {
                Write(output, ","u8);
            }

            Write(output, append);
        }

        Write(output, "}"u8);
    }

    private static bool Is(ref Utf8JsonReader reader, ReadOnlySpan<byte> name) => !name.IsEmpty && reader.ValueTextEquals(name);

    private static void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
    }
}
