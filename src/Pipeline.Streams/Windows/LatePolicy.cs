namespace Pipeline.Streams;

/// <summary>What a window does with an event whose window has already closed.</summary>
public enum LatePolicy
{
    /// <summary>Count it and hand it to the late sink (if one is given); the closed windows are not changed.</summary>
    SideOutput = 0,

    /// <summary>Emit each window as soon as the highest time seen reaches its end, keep it until the lateness has
    /// passed, and re-emit it (next <see cref="WindowResult{TKey, TOut}.Revision"/>) for each event that changes it;
    /// events later than that go to the late output as with <see cref="SideOutput"/>.</summary>
    Correct = 1,
}
