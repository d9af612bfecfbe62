using System;

namespace Pipeline.Consumers.Internal;

/// <summary>The rule for a durable consumer's name: 1 to 128 ASCII letters, digits, '.', '_' or '-'.</summary>
/// <remarks>
/// The rule keeps names printable in logs and file dumps, and makes one char one byte in the checkpoint file.
/// </remarks>
internal static class ConsumerName
{
    public const int MaxLength = 128;

    public static bool IsValid(string? name, out string? error)
    {
        if (name is null)
        {
            error = "A consumer name is required.";
            return false;
        }

        if (name.Length is 0 or > MaxLength)
        {
            error = $"A consumer name must be 1 to {MaxLength} characters; '{Printable(name)}' has {name.Length}.";
            return false;
        }

        for (int i = 0; i < name.Length; i++)
        {
            if (!IsNameChar(name[i]))
            {
                error = $"A consumer name may hold only ASCII letters, digits, '.', '_' and '-'; '{Printable(name)}' has U+{(int)name[i]:X4} at index {i}.";
                return false;
            }
        }

        error = null;
        return true;
    }

    /// <summary>Checks a name as stored in the checkpoint file.</summary>
    public static bool IsValid(ReadOnlySpan<byte> name)
    {
        if (name.Length is 0 or > MaxLength)
        {
            return false;
        }

        foreach (byte b in name)
        {
            if (!IsNameChar((char)b))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Throws <see cref="ArgumentException"/> (or <see cref="ArgumentNullException"/>) naming the rule.</summary>
    public static void ThrowIfInvalid(string? name, string paramName)
    {
        ArgumentNullException.ThrowIfNull(name, paramName);
        if (!IsValid(name, out string? error))
        {
            throw new ArgumentException(error, paramName);
        }
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';

    // A rejected name goes into the message: cut a long one and show control characters as '?'.
    private static string Printable(string name)
    {
        string shown = name.Length > MaxLength ? name[..MaxLength] + "..." : name;
        return string.Create(shown.Length, shown, static (span, source) =>
        {
            for (int i = 0; i < span.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? '?' : source[i];
            }
        });
    }
}
