namespace Pipeline.Protocol;

/// <summary>The bounds of a READ (docs/protocol.md, "Version 2").</summary>
public static class ReadLimits
{
    /// <summary>The largest max_count; 0 or more than this is BAD_REQUEST.</summary>
    public const int MaxCount = 10_000;

    /// <summary>The longest stream id or type in a READ, in UTF-8 bytes (the event log's limit).</summary>
    public const int MaxKeyBytes = 255;

    /// <summary>The size of a READ body without its key: every field but the key's bytes.</summary>
    public const int FixedBodyBytes = 8 + 1 + 8 + 4 + 8 + 8 + 2;
}
