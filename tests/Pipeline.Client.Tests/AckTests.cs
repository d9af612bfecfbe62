using Pipeline.Client;
using Pipeline.Protocol;
using Xunit;

namespace Pipeline.Client.Tests;

/// <summary>A version 4 REJECTED detail split into its reason code and explanation; other ACKs untouched.</summary>
public sealed class AckTests
{
    [Fact]
    public void Rejected_WithAnExplanation_SplitsAtTheFirstSpace()
    {
        var ack = new Ack(1, 2, AckStatus.Rejected, "malformed_payload $.lines[0].note: expected string, got number");

        Assert.Equal("malformed_payload", ack.Reason);
        Assert.Equal("$.lines[0].note: expected string, got number", ack.Explanation);
    }

    [Fact]
    public void Rejected_BareCode_HasNoExplanation()
    {
        var ack = new Ack(1, 2, AckStatus.Rejected, "insufficient_funds");

        Assert.Equal("insufficient_funds", ack.Reason);
        Assert.Null(ack.Explanation);
    }

    [Fact]
    public void Invalid_DetailIsWordsNotACode_AndIsLeftWhole()
    {
        var ack = new Ack(1, 0, AckStatus.Invalid, "unsupported schema_version 3 (supported: 1, 2)");

        Assert.Equal("unsupported schema_version 3 (supported: 1, 2)", ack.Reason);
        Assert.Null(ack.Explanation);
    }
}
