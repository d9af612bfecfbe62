using System;
using Pipeline.Application;
using Pipeline.Core.Processing;

namespace Pipeline.Hosting.Engine;

/// <summary>A stateless decoder: decodes the payload into the application's command; N of them split the stream.</summary>
/// <remarks>Runs in parallel with the journal stage; it reads only what the publisher wrote.</remarks>
/// <param name="types">The application's command types.</param>
/// <param name="decoding">This handler's decoding (its own decoder and upcast buffers).</param>
internal sealed class DecodeStage<TCommand, TEvent>(CommandTypes types, CommandDecoding<TCommand> decoding) : IEventHandler<CommandEntry<TCommand, TEvent>>
{
    /// <summary>The reject reason of a command whose type the application does not know (the journal stage refuses it as INVALID anyway).</summary>
    private const string UnknownType = "malformed_payload";

    public void OnEvent(ref CommandEntry<TCommand, TEvent> entry, long sequence, bool endOfBatch)
    {
        if (entry.IsTick)
        {
            return; // no command: journal time for the flows
        }

        int index = types.IndexOf(entry.Type);
        if (index < 0)
        {
            entry.DecodeError = UnknownType;
            return;
        }

        // The entry keeps the payload as sent, for the journal.
        string? reason = decoding.Decode(index, entry.SchemaVersion, entry.Payload, out TCommand command, out string? explanation);
        if (reason is null)
        {
            entry.Command = command;
        }

        entry.DecodeError = reason;
        entry.Explanation = explanation;
    }
}
