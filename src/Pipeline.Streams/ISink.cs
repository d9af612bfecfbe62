namespace Pipeline.Streams;

/// <summary>Receives the output of a flow: running results, window results or late events.</summary>
/// <remarks>Called on the thread that feeds the flow, synchronously, inside <c>OnEvent</c> or <c>OnTick</c>.
/// The value is passed by reference to avoid copying large structs; it is only valid during the call.</remarks>
public interface ISink<T>
{
    /// <summary>Takes one output value; <paramref name="eventTime"/> is the event time that produced it (a window's end for window results).</summary>
    void OnNext(in T value, long eventTime);
}
