namespace Pipeline.Core.Processing;

/// <summary>Receives handler failures so that the host can log and count them.</summary>
/// <remarks>Called on the failing processor's thread; implementations must be thread-safe and must not throw.</remarks>
public interface IFailureSink
{
    /// <summary>Records one failure.</summary>
    void Report(in HandlerFailure failure);
}
