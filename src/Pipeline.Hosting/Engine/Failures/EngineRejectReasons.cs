namespace Pipeline.Hosting.Engine;

/// <summary>The reject reasons the engine gives on its own, whatever the application.</summary>
internal static class EngineRejectReasons
{
    /// <summary>A handler bug threw on the command (isolated, logged and counted; the command changed no state).</summary>
    public const string HandlerFailed = "handler_failed";
}
