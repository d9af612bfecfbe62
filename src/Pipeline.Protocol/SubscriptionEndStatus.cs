namespace Pipeline.Protocol;

/// <summary>The status of a SUB_END (docs/protocol.md, "Version 3").</summary>
public enum SubscriptionEndStatus : byte
{
    /// <summary>The client's UNSUBSCRIBE; nothing more comes for this id.</summary>
    Unsubscribed = 0,

    /// <summary>A CREDIT or UNSUBSCRIBE named no open subscription of this connection.</summary>
    NotFound = 1,

    /// <summary>A rule was broken (message says which); the subscription does not exist, or no longer does.</summary>
    BadRequest = 2,

    /// <summary>The SUBSCRIBE named an id open on this connection; the open subscription goes on.</summary>
    DuplicateId = 3,

    /// <summary>The consumer is held by another open subscription.</summary>
    ConsumerBusy = 4,

    /// <summary>Start CHECKPOINT for a consumer without a checkpoint.</summary>
    ConsumerNotFound = 5,

    /// <summary>The server serves no subscriptions (event store off).</summary>
    NotSupported = 6,

    /// <summary>The event store failed while reading; next says where to resume.</summary>
    StoreError = 7,

    /// <summary>An operator reset or deleted the consumer's checkpoint: subscribe again with CHECKPOINT.</summary>
    Reset = 8,

    /// <summary>The connection or the server has its maximum of subscriptions open.</summary>
    TooMany = 9,

    /// <summary>The event at next does not fit one frame; resume at next + 1 to skip it.</summary>
    TooLarge = 10,
}
