using System.Globalization;

namespace Pipeline.Protocol;

/// <summary>A parsed CREDIT (protocol version 3).</summary>
/// <remarks>
/// <see cref="TryValidate"/> checks what the frame alone can break; raising the outstanding credits above
/// <see cref="ConsumerLimits.MaxCredits"/> is the server's check, against the subscription's state.
/// </remarks>
public readonly ref struct CreditFrame
{
    /// <summary>Creates a frame from its fields.</summary>
    public CreditFrame(ulong subscriptionId, uint credits)
    {
        SubscriptionId = subscriptionId;
        Credits = credits;
    }

    /// <summary>The subscription the credits are for.</summary>
    public ulong SubscriptionId { get; }

    /// <summary>Credits to add: 1 to <see cref="ConsumerLimits.MaxCredits"/>.</summary>
    public uint Credits { get; }

    /// <summary>Checks the credits; false with the SUB_END BAD_REQUEST message (the subscription ends) when they are 0 or too many.</summary>
    /// <remarks>Allocates only the message of a broken rule.</remarks>
    public bool TryValidate(out string? error)
    {
        error = null;
        if (Credits is 0 or > ConsumerLimits.MaxCredits)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"credits {Credits} is outside 1..{ConsumerLimits.MaxCredits}");
            return false;
        }

        return true;
    }
}
