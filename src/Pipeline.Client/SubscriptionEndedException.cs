using System;
using System.Globalization;
using Pipeline.Protocol;

namespace Pipeline.Client;

/// <summary>The server ended a subscription (SUB_END) with a status other than UNSUBSCRIBED, or refused it.</summary>
/// <remarks>
/// <see cref="SubscriptionEndStatus.Reset"/>: an operator reset or deleted the consumer: subscribe again (the
/// consumer's new checkpoint applies). <see cref="SubscriptionEndStatus.StoreError"/>: resume at <see cref="Next"/>.
/// <see cref="SubscriptionEndStatus.TooLarge"/>: the event at <see cref="Next"/> does not fit a frame; resume at
/// <c>Next + 1</c> to skip it.
/// </remarks>
public sealed class SubscriptionEndedException : Exception
{
    /// <summary>Creates the exception for a SUB_END.</summary>
    public SubscriptionEndedException(SubscriptionEndStatus status, ulong next, string serverMessage)
        : base(string.Create(CultureInfo.InvariantCulture, $"The subscription ended: {status}, next {next}{(serverMessage.Length == 0 ? "" : ": " + serverMessage)}"))
    {
        Status = status;
        Next = next;
        ServerMessage = serverMessage;
    }

    /// <summary>Why it ended.</summary>
    public SubscriptionEndStatus Status { get; }

    /// <summary>The first position not considered (resume there with <see cref="SubscriptionStart.StartAt"/>); 0 for a refused SUBSCRIBE.</summary>
    public ulong Next { get; }

    /// <summary>What the server said (SUB_END's message).</summary>
    public string ServerMessage { get; }
}
