using System;
using System.Text;
using Pipeline.Schemas.Upcasting;
using Xunit;

namespace Pipeline.Client.Tests;

public sealed class StoredEventUpcastingTests
{
    private static readonly UpcasterChain s_chain = new(
        Upcast.Identity("order.placed", 1),
        Upcast.AddMember("order.placed", 2, "currency", "\"EUR\""));

    private static StoredEvent Event(string type, ushort version, string payload) =>
        new(7, 3, 0, 0, "order-1", 2, type, version, Encoding.UTF8.GetBytes(payload));

    [Fact]
    public void Upcast_OlderVersion_IsACopyAtTheNewestVersion()
    {
        StoredEvent stored = Event("order.placed", 1, "{\"qty\":2}");

        StoredEvent newest = stored.Upcast(s_chain);

        Assert.Equal(3, newest.SchemaVersion);
        Assert.Equal("{\"qty\":2,\"currency\":\"EUR\"}", Encoding.UTF8.GetString(newest.Payload.Span));
        Assert.Equal(stored with { SchemaVersion = 3, Payload = newest.Payload }, newest);
        Assert.Equal("{\"qty\":2}", Encoding.UTF8.GetString(stored.Payload.Span)); // the received event is unchanged
    }

    [Theory]
    [InlineData("order.placed", 3)]
    [InlineData("order.paid", 1)]
    public void Upcast_NewestVersionOrTypeWithoutSteps_IsTheSameEvent(string type, ushort version)
    {
        StoredEvent stored = Event(type, version, "{\"qty\":2}");

        Assert.Same(stored, stored.Upcast(s_chain));
    }
}
