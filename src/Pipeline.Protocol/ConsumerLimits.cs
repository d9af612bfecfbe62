using System;
using System.Globalization;

namespace Pipeline.Protocol;

/// <summary>The bounds of the frames of version 3 (docs/protocol.md, "Version 3"), and the consumer name rule.</summary>
public static class ConsumerLimits
{
    /// <summary>The most credits a SUBSCRIBE or CREDIT may grant, and the most a subscription may have outstanding.</summary>
    public const int MaxCredits = 1_000_000;

    /// <summary>The largest FETCH max_count; 0 or more than this is BAD_REQUEST.</summary>
    public const int MaxFetchCount = 10_000;

    /// <summary>The largest FETCH max_bytes (16 MiB); 0 or more than this is BAD_REQUEST.</summary>
    public const int MaxFetchBytes = 16 * 1024 * 1024;

    /// <summary>The longest FETCH max_wait_ms (60 s).</summary>
    public const int MaxFetchWaitMs = 60_000;

    /// <summary>The longest consumer name, in bytes (the shortest is 1).</summary>
    public const int MaxConsumerNameBytes = 128;

    /// <summary>The longest filter key (stream id, stream prefix or type prefix), in UTF-8 bytes (the shortest is 1).</summary>
    public const int MaxKeyBytes = 255;

    /// <summary>A SUBSCRIBE body without its key and consumer bytes.</summary>
    public const int SubscribeFixedBodyBytes = 8 + 1 + 8 + 4 + 1 + 8 + 2 + 2;

    /// <summary>A FETCH body without its key bytes.</summary>
    public const int FetchFixedBodyBytes = 8 + 8 + 4 + 4 + 4 + 1 + 8 + 2;

    /// <summary>A COMMIT body without its consumer bytes.</summary>
    public const int CommitFixedBodyBytes = 8 + 8 + 2;

    /// <summary>A CONSUMER_ADMIN body without its consumer bytes.</summary>
    public const int ConsumerAdminFixedBodyBytes = 8 + 1 + 8 + 2;

    /// <summary>Whether <paramref name="name"/> is a consumer name: 1 to 128 bytes, each an ASCII letter, digit, '.', '_' or '-'.</summary>
    public static bool IsValidConsumerName(ReadOnlySpan<byte> name) => name.Length is >= 1 and <= MaxConsumerNameBytes && FirstBadNameByte(name) < 0;

    /// <summary>Checks a consumer name; false with the BAD_REQUEST message (naming the length or the first bad byte) when it is not one.</summary>
    /// <remarks>Allocates only the message of a bad name.</remarks>
    public static bool TryValidateConsumerName(ReadOnlySpan<byte> name, out string? error)
    {
        error = null;
        if (name.Length is 0 or > MaxConsumerNameBytes)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"the consumer name is {name.Length} bytes; it must be 1..{MaxConsumerNameBytes}");
            return false;
        }

        int bad = FirstBadNameByte(name);
        if (bad >= 0)
        {
            error = string.Create(CultureInfo.InvariantCulture,
                $"the consumer name has byte 0x{name[bad]:X2} at offset {bad}; a name is ASCII letters, digits, '.', '_' and '-'");
            return false;
        }

        return true;
    }

    private static int FirstBadNameByte(ReadOnlySpan<byte> name)
    {
        for (int i = 0; i < name.Length; i++)
        {
            byte b = name[i];
            bool ok = b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
                or (byte)'.' or (byte)'_' or (byte)'-';
            if (!ok)
            {
                return i;
            }
        }

        return -1;
    }
}
