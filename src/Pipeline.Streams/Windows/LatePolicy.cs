namespace Pipeline.Streams;

/// <summary>What a window does with an event whose window has already closed.</summary>
public enum LatePolicy
{
    /// <summary>Count it and hand it to the late sink (if one is given); the closed windows are not changed.</summary>
    SideOutput = 0,
}
