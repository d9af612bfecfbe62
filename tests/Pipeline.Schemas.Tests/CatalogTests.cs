using System;
using System.Linq;
using System.Text.Json;
using Pipeline.Schemas.Catalog;
using Xunit;

namespace Pipeline.Schemas.Tests;

public sealed class CatalogTests
{
    public sealed record PlaceOrder(string Id, int Quantity);

    public sealed record OrderPlaced(string Id, int Quantity, string? Note = null);

    public sealed record OrderArgs(string Id);

    public sealed record OrderAnswer(string Id, string State);

    private static SchemaRegistry Registry() => new SchemaRegistry()
        .Register("shop.place", 1, typeof(PlaceOrder))
        .Register("shop.placed", 1, typeof(OrderPlaced))
        .Register("shop.order", 1, typeof(OrderArgs))
        .Register("shop.order.result", 1, typeof(OrderAnswer));

    private static readonly CatalogService s_service = new("Shop", "1", "Orders.", "127.0.0.1:7400");

    private static EventCatalog Shop() => new(
        s_service,
        [
            new("shop.place", CatalogMessageKind.Command, CatalogCategory.User, "shop", "Places an order."),
            new("shop.placed", CatalogMessageKind.Event, CatalogCategory.Business, "shop", "An order was placed.", "order-{id}"),
            new("shop.order", CatalogMessageKind.Query, CatalogCategory.User, "shop", "An order's state.", ResultName: "shop.order.result"),
        ],
        [new("Orders", "read model", "Orders by id.")],
        [new("shop.place", "shop.placed", "produces"), new("shop.placed", "Orders", "feeds"), new("Orders", "shop.order", "answers")],
        Registry());

    [Fact]
    public void ProducersAndConsumers_FollowTheRelations()
    {
        EventCatalog catalog = Shop();
        Assert.Equal(["shop.place"], catalog.ProducersOf("shop.placed"));
        Assert.Equal(["Orders"], catalog.ConsumersOf("shop.placed"));
        Assert.Empty(catalog.ProducersOf("shop.place"));
    }

    [Fact]
    public void Construction_RefusesDuplicatesMissingSchemasAndUnknownRelationEnds()
    {
        Assert.Contains("Two catalog entries", Assert.Throws<ArgumentException>(() => new EventCatalog(s_service,
            [new("shop.place", CatalogMessageKind.Command, CatalogCategory.User, "shop", "a"), new("shop.place", CatalogMessageKind.Command, CatalogCategory.User, "shop", "b")], [], [], Registry())).Message, StringComparison.Ordinal);
        Assert.Contains("no registered schema", Assert.Throws<ArgumentException>(() => new EventCatalog(s_service,
            [new("shop.cancel", CatalogMessageKind.Command, CatalogCategory.User, "shop", "a")], [], [], Registry())).Message, StringComparison.Ordinal);
        Assert.Contains("result schema", Assert.Throws<ArgumentException>(() => new EventCatalog(s_service,
            [new("shop.order", CatalogMessageKind.Query, CatalogCategory.User, "shop", "a")], [], [], Registry())).Message, StringComparison.Ordinal);
        Assert.Contains("names an entry the catalog lacks", Assert.Throws<ArgumentException>(() => new EventCatalog(s_service,
            [new("shop.place", CatalogMessageKind.Command, CatalogCategory.User, "shop", "a")], [], [new("shop.place", "nowhere", "produces")], Registry())).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Files_AreAnIndexAPagePerEntryJsonAndAsyncApi_TheSameOnEveryCall()
    {
        var first = CatalogWriter.Files(Shop());
        Assert.Equal(["README.md", "shop.place.md", "shop.placed.md", "shop.order.md", "catalog.json", "asyncapi.json"], first.Select(f => f.RelativePath));
        Assert.Equal(first, CatalogWriter.Files(Shop()));
        Assert.All(first, f => Assert.DoesNotContain("\r", f.Text, StringComparison.Ordinal));

        string index = first[0].Text;
        Assert.Contains("## Commands", index, StringComparison.Ordinal);
        Assert.Contains("## Queries", index, StringComparison.Ordinal);
        Assert.Contains("```mermaid\nflowchart LR\n", index, StringComparison.Ordinal);
        Assert.Contains("n0 -- produces --> n1", index, StringComparison.Ordinal);

        string page = first[2].Text;
        Assert.Contains("| stream | `order-{id}` |", page, StringComparison.Ordinal);
        Assert.Contains("| produced by | `shop.place` |", page, StringComparison.Ordinal);
        Assert.Contains("## Version 1 (compatibility BACKWARD)", page, StringComparison.Ordinal);
        Assert.Contains("## Answer, version 1", first[3].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_CarriesEveryVersionsSchema_AndTheQuerysResult()
    {
        using JsonDocument json = JsonDocument.Parse(CatalogWriter.ToJson(Shop()));
        JsonElement placed = json.RootElement.GetProperty("messages")[1];
        Assert.Equal("shop.placed", placed.GetProperty("name").GetString());
        Assert.Equal("business", placed.GetProperty("category").GetString());
        JsonElement schema = placed.GetProperty("versions")[0].GetProperty("schema");
        Assert.True(schema.GetProperty("properties").TryGetProperty("Note", out _));
        Assert.Equal("shop.order.result", json.RootElement.GetProperty("messages")[2].GetProperty("result").GetProperty("name").GetString());
        Assert.Equal(CatalogWriter.ToJson(Shop()).Replace("\n", string.Empty, StringComparison.Ordinal).Replace(" ", string.Empty, StringComparison.Ordinal),
            CatalogWriter.ToCompactJson(Shop()).Replace(" ", string.Empty, StringComparison.Ordinal));
    }

    [Fact]
    public void AsyncApi_ReceivesCommandsAndQueriesWithReplies_AndSendsEvents()
    {
        using JsonDocument doc = JsonDocument.Parse(CatalogWriter.ToAsyncApi(Shop()));
        JsonElement root = doc.RootElement;
        Assert.Equal("3.0.0", root.GetProperty("asyncapi").GetString());
        JsonElement operations = root.GetProperty("operations");
        Assert.Equal("receive", operations.GetProperty("receive-shop.place").GetProperty("action").GetString());
        Assert.Equal("send", operations.GetProperty("send-shop.placed").GetProperty("action").GetString());
        JsonElement reply = operations.GetProperty("receive-shop.order").GetProperty("reply");
        Assert.Equal("#/channels/shop.order/messages/shop.order.result.v1", reply.GetProperty("messages")[0].GetProperty("$ref").GetString());
        Assert.Equal("application/schema+json;version=draft-07",
            root.GetProperty("components").GetProperty("messages").GetProperty("shop.place.v1").GetProperty("payload").GetProperty("schemaFormat").GetString());
    }
}
