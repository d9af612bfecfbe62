namespace Pipeline.LoadGen;

/// <summary>One subscriber's figures.</summary>
/// <param name="Index">Its number, 0 to N - 1.</param>
/// <param name="Received">Events received in all.</param>
/// <param name="MeasuredReceived">Events received in the measured part.</param>
/// <param name="LastPosition">The position of the last event received.</param>
/// <param name="LagAtEnd">The visible head at the end of the measured part minus its last position then.</param>
/// <param name="CaughtUp">Whether its CAUGHT_UP came before the measured part ended.</param>
internal sealed record SubscriberLine(int Index, long Received, long MeasuredReceived, long LastPosition, long LagAtEnd, bool CaughtUp);
