namespace Pipeline.Protocol;

/// <summary>Frame kinds of protocol version 1 (shared/spec/protocol.md) and versions 2 and 3 (docs/protocol.md).</summary>
/// <remarks><see cref="FrameHeader.ProtocolVersionOf"/> tells from which version a kind exists.</remarks>
public enum FrameKind : byte
{
    /// <summary>Client: version, producer id, client name. First frame of a connection, and only the first.</summary>
    Hello = 0x01,

    /// <summary>Client: producer_seq, type, schema_version, payload.</summary>
    Publish = 0x02,

    /// <summary>Client: request_id, name, min_sequence, args (JSON).</summary>
    Query = 0x03,

    /// <summary>Client: nonce.</summary>
    Ping = 0x04,

    /// <summary>Client, version 2: reads stored events (request id, selector, from, max count, min position, producer id, key).</summary>
    Read = 0x05,

    /// <summary>Client, version 3: opens a push subscription (subscription id, start, from, credits, filter, consumer).</summary>
    Subscribe = 0x06,

    /// <summary>Client, version 3: adds credits to a subscription.</summary>
    Credit = 0x07,

    /// <summary>Client, version 3: ends a subscription.</summary>
    Unsubscribe = 0x08,

    /// <summary>Client, version 3: a filtered long-poll read by position, answered with EVENTS and READ_END.</summary>
    Fetch = 0x09,

    /// <summary>Client, version 3: sets a durable consumer's checkpoint.</summary>
    Commit = 0x0A,

    /// <summary>Client, version 3: resets or deletes a durable consumer.</summary>
    ConsumerAdmin = 0x0B,

    /// <summary>Server: answer to HELLO.</summary>
    Welcome = 0x81,

    /// <summary>Server: one per PUBLISH, in the connection's order.</summary>
    Ack = 0x82,

    /// <summary>Server: one per QUERY.</summary>
    Result = 0x83,

    /// <summary>Server: answer to PING.</summary>
    Pong = 0x84,

    /// <summary>Server, version 2: a batch of whole event records answering a READ.</summary>
    Events = 0x85,

    /// <summary>Server, version 2: the last frame of a READ's answer, with its status.</summary>
    ReadEnd = 0x86,

    /// <summary>Server, version 3: a SUBSCRIBE was accepted; where the subscription starts.</summary>
    Subscribed = 0x87,

    /// <summary>Server, version 3: a batch of whole event records of a subscription (the records of EVENTS).</summary>
    Push = 0x88,

    /// <summary>Server, version 3: a subscription considered every event up to the visible head for the first time.</summary>
    CaughtUp = 0x89,

    /// <summary>Server, version 3: a subscription that sent nothing for the heartbeat interval, and how far it was checked.</summary>
    Heartbeat = 0x8A,

    /// <summary>Server, version 3: the end (or refusal) of a subscription, with its status.</summary>
    SubEnd = 0x8B,

    /// <summary>Server, version 3: the answer to COMMIT or CONSUMER_ADMIN.</summary>
    ConsumerResult = 0x8C,

    /// <summary>Server: the connection ends; the server closes it.</summary>
    Error = 0x8F,
}

/// <summary>The status of an ACK.</summary>
public enum AckStatus : byte
{
    /// <summary>Journaled, durable, processed and accepted.</summary>
    Ok = 0,

    /// <summary>Journaled, durable, processed, refused by the application's rules; detail is the reason code.</summary>
    Rejected = 1,

    /// <summary>Already journaled for this producer id; not journaled again.</summary>
    Duplicate = 2,

    /// <summary>Refused before the journal; detail says why.</summary>
    Invalid = 3,
}

/// <summary>The status of a RESULT.</summary>
public enum ResultStatus : byte
{
    /// <summary>The body holds the answer.</summary>
    Ok = 0,

    /// <summary>No such entity.</summary>
    NotFound = 1,

    /// <summary>The body is <c>{"error": "..."}</c>.</summary>
    BadRequest = 2,

    /// <summary>The read model did not reach min_sequence in time.</summary>
    Timeout = 3,
}

/// <summary>The code of an ERROR frame.</summary>
public enum ErrorCode : ushort
{
    /// <summary>Length 0 or above the maximum.</summary>
    BadFrame = 1,

    /// <summary>A frame kind the server does not know.</summary>
    UnknownKind = 2,

    /// <summary>A body that ends early or runs over, or a string that is not UTF-8.</summary>
    Malformed = 3,

    /// <summary>A HELLO version the server does not speak.</summary>
    UnsupportedVersion = 4,

    /// <summary>The first frame was not HELLO, or a second HELLO came.</summary>
    HelloRequired = 5,

    /// <summary>The server is stopping.</summary>
    ShuttingDown = 6,

    /// <summary>The server has its maximum number of connections.</summary>
    TooManyConnections = 7,
}
