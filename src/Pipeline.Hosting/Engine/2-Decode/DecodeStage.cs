using System;
using Pipeline.Application;
using Pipeline.Core.Processing;

namespace Pipeline.Hosting.Engine;

/// <summary>A stateless decoder: decodes the payload into the application's command; N of them split the stream.</summary>
/// <remarks>Runs in parallel with the journal stage; it reads only what the publisher wrote.</remarks>
/// <param name="types">The application's command types.</param>
/// <param name="decoder">This handler's decoder.</param>
/// <param name="upcaster">Brings an older payload to the newest version before the decoder, or null (no steps).</param>
/// <param name="schemas">The payload schemas to apply after the decoder, or null (validation off, or none published).</param>
internal sealed class DecodeStage<TCommand, TEvent>(CommandTypes types, ICommandDecoder<TCommand> decoder, CommandUpcaster? upcaster = null, CommandSchemaCheck? schemas = null) : IEventHandler<CommandEntry<TCommand, TEvent>>
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

        // The decoder sees only the newest version; the entry keeps the payload as sent, for the journal.
        ushort version = entry.SchemaVersion;
        ReadOnlySpan<byte> payload = upcaster is null ? entry.Payload : upcaster.Upcast(index, ref version, entry.Payload);
        if (decoder.TryDecode(index, version, payload, out TCommand command, out string? reason))
        {
            entry.Command = command;
            reason = null;
        }
        else
        {
            reason ??= UnknownType;
        }

        string? explanation = null;
        if (schemas is not null)
        {
            reason = schemas.Check(index, entry.SchemaVersion, entry.Payload, reason, out explanation);
        }

        entry.DecodeError = reason;
        entry.Explanation = explanation;
    }
}
