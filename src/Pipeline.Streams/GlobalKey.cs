using System;

namespace Pipeline.Streams;

/// <summary>The single key of a window that was not preceded by <c>KeyBy</c>.</summary>
public readonly struct GlobalKey : IEquatable<GlobalKey>
{
    /// <inheritdoc/>
    public bool Equals(GlobalKey other) => true;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is GlobalKey;

    /// <inheritdoc/>
    public override int GetHashCode() => 0;

    /// <inheritdoc/>
    public override string ToString() => "global";

    /// <inheritdoc/>
    public static bool operator ==(GlobalKey left, GlobalKey right) => true;

    /// <inheritdoc/>
    public static bool operator !=(GlobalKey left, GlobalKey right) => false;
}
