using System;

namespace Pipeline.Core.Processing;

/// <summary>Decides what happens when a handler throws.</summary>
/// <remarks>Called on the failing processor's thread; must not throw.</remarks>
public interface IExceptionHandler<T>
{
    /// <summary>Handles an exception thrown for the entry of <paramref name="sequence"/>.</summary>
    FailureAction OnEventException(Exception exception, long sequence, ref T entry, string handlerName);

    /// <summary>Handles an exception thrown by OnStart or OnShutdown (the processor runs or stops regardless).</summary>
    void OnLifecycleException(Exception exception, string handlerName);
}
