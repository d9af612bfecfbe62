using Pipeline.Schemas.Upcasting;

namespace Pipeline.Application;

/// <summary>
/// An application whose types have older versions that read as newer ones: the engine reads every command through
/// <see cref="Upcasters"/> before it decodes it, so the decoder and the decider only ever see the newest version.
/// </summary>
/// <remarks>
/// <para>
/// The engine upcasts a command's payload from the version it was sent (or journaled) in to the newest version its
/// type's steps reach, and calls <see cref="ICommandDecoder{TCommand}.TryDecode"/> with that version and payload, live
/// and on every replay alike. The journal keeps the payload as it was sent, and stored events are never rewritten:
/// a step runs on every read, so it must be pure and deterministic.
/// </para>
/// <para>
/// The chain may also hold the steps of the application's event types (the engine does not read events back);
/// consumers of stored events apply them to read every event in its newest version. The engine checks at start
/// that the newest version of every command type is one the type accepts.
/// </para>
/// </remarks>
public interface IUpcastingApplication
{
    /// <summary>The version steps of the application's command types (and, for readers, of its event types); read once, at start.</summary>
    UpcasterChain Upcasters { get; }
}
