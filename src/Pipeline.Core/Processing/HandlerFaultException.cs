using System;

namespace Pipeline.Core.Processing;

/// <summary>A processor halted because its handler failed on an event under the Halt policy.</summary>
public sealed class HandlerFaultException : Exception
{
    /// <summary>Creates the exception for <paramref name="handlerName"/> failing on <paramref name="sequence"/>.</summary>
    public HandlerFaultException(string handlerName, long sequence, Exception innerException)
        : base($"Handler '{handlerName}' failed on sequence {sequence} and the policy halted it.", innerException)
    {
        HandlerName = handlerName;
        Sequence = sequence;
    }

    /// <summary>The processor whose handler failed.</summary>
    public string HandlerName { get; }

    /// <summary>The event it failed on; it was not marked processed.</summary>
    public long Sequence { get; }
}
