using System;

namespace Pipeline.Core.Tests;

/// <summary>The bounds every wait in the concurrency tests uses, so that a broken engine fails a test instead of hanging the run.</summary>
internal static class TestTimeouts
{
    /// <summary>For a wait on something that should happen almost at once.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(5);

    /// <summary>For the stress tests, whose work scales with <see cref="StressScale"/>.</summary>
    public static readonly TimeSpan Stress = TimeSpan.FromSeconds(30);

    /// <summary>How long a negative check watches for something that must not happen yet.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(200);

    /// <summary><see cref="Default"/> in milliseconds, for <c>[Fact(Timeout = ...)]</c>.</summary>
    public const int DefaultMilliseconds = 5_000;

    /// <summary>A test-level bound for async tests made of several <see cref="Default"/> waits.</summary>
    public const int TestMilliseconds = 20_000;

    /// <summary>A test-level bound for async stress tests.</summary>
    public const int StressTestMilliseconds = 60_000;
}
