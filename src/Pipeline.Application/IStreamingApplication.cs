using System.Collections.Generic;
using Pipeline.Streams.Hosting;

namespace Pipeline.Application;

/// <summary>
/// An application that also runs stream-processing flows over its events (docs/streams.md): the engine feeds them
/// every accepted event, in journal order, with its command's journal timestamp as event time, on the application
/// stage's thread right after <c>Evolve</c>; their results and late events are stored in the event store as events of
/// their own types; their state is part of the snapshot.
/// </summary>
/// <typeparam name="TEvent">The application's event.</typeparam>
public interface IStreamingApplication<TEvent>
{
    /// <summary>The flows, in the order they are fed (also the order of their results within one command).</summary>
    /// <remarks>Called once per state the engine builds (recovery may build several); return fresh definitions or shared immutable ones.</remarks>
    IReadOnlyList<StreamDefinition<TEvent>> Streams { get; }
}
