using System;

namespace Pipeline.Testing;

/// <summary>The one bound on every wait in the test suites (STYLE.md section 6): a test never waits forever.</summary>
public static class TestTimeouts
{
    /// <summary>Five seconds: generous for a loaded 2-core machine, short enough to fail fast.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(5);
}
