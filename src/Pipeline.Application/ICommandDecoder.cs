using System;

namespace Pipeline.Application;

/// <summary>Decodes command payloads; runs on the parallel decode stage, so it may read but never change shared state.</summary>
/// <typeparam name="TCommand">The decoded command.</typeparam>
public interface ICommandDecoder<TCommand>
{
    /// <summary>
    /// Decodes <paramref name="payload"/> of the command type at <paramref name="typeIndex"/> in
    /// <see cref="IApplication{TState, TCommand, TEvent}.Commands"/>. False: the command is REJECTED with
    /// <paramref name="rejectReason"/> (it is journaled all the same, and a replay rejects it again).
    /// </summary>
    /// <remarks>
    /// For an <see cref="IUpcastingApplication"/>, <paramref name="schemaVersion"/> and <paramref name="payload"/> are
    /// the newest version's: the engine has run the payload through the application's upcasters.
    /// </remarks>
    bool TryDecode(int typeIndex, ushort schemaVersion, ReadOnlySpan<byte> payload, out TCommand command, out string? rejectReason);
}
