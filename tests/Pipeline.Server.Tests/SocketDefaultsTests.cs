using System;
using Pipeline.Hosting.Hosting;
using Xunit;

namespace Pipeline.Server.Tests;

// The variable is process-wide; nothing else in this test assembly reads or writes it.
public sealed class SocketDefaultsTests
{
    [Fact]
    public void Apply_VariableUnset_TurnsInlineCompletionsOn()
    {
        string? before = Environment.GetEnvironmentVariable(SocketDefaults.InlineCompletionsVariable);
        try
        {
            Environment.SetEnvironmentVariable(SocketDefaults.InlineCompletionsVariable, null);

            Assert.True(SocketDefaults.Apply());
            Assert.Equal("1", Environment.GetEnvironmentVariable(SocketDefaults.InlineCompletionsVariable));
        }
        finally
        {
            Environment.SetEnvironmentVariable(SocketDefaults.InlineCompletionsVariable, before);
        }
    }

    [Fact]
    public void Apply_OperatorSetItOff_LeavesItOff()
    {
        string? before = Environment.GetEnvironmentVariable(SocketDefaults.InlineCompletionsVariable);
        try
        {
            Environment.SetEnvironmentVariable(SocketDefaults.InlineCompletionsVariable, "0");

            Assert.False(SocketDefaults.Apply());
            Assert.Equal("0", Environment.GetEnvironmentVariable(SocketDefaults.InlineCompletionsVariable));
        }
        finally
        {
            Environment.SetEnvironmentVariable(SocketDefaults.InlineCompletionsVariable, before);
        }
    }
}
