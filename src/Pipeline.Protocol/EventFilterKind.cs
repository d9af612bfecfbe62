namespace Pipeline.Protocol;

/// <summary>Which events a SUBSCRIBE or FETCH wants (docs/protocol.md, "Filters"); a byte above 4 is a malformed body.</summary>
public enum EventFilterKind : byte
{
    /// <summary>Every event; no key, producer id 0.</summary>
    None = 0,

    /// <summary>The events of one stream: the key is the stream id.</summary>
    Stream = 1,

    /// <summary>The events of every stream whose id starts with the key (bytes, case-sensitive).</summary>
    StreamPrefix = 2,

    /// <summary>The events whose type starts with the key (a whole type name matches that type).</summary>
    TypePrefix = 3,

    /// <summary>The events of one producer (producer id; 0 = anonymous producers); no key.</summary>
    Producer = 4,
}
