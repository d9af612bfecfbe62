using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace Pipeline.Schemas.Tests;

internal sealed record DepositV1(string Account, long Amount);

internal sealed record DepositV2(string Account, long Amount, string? Reference = null);

internal sealed record DepositAmountAsNumber(string Account, double Amount);

internal sealed record DepositMadeRequired(string Account, long Amount, string Reference);

internal sealed record Order(string Id, IReadOnlyList<OrderLine> Lines, Dictionary<string, int> Tags);

internal sealed record OrderLine(string Sku, int Quantity);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record ClosedDeposit(string Account, long Amount);

[JsonConverter(typeof(JsonStringEnumConverter<Currency>))]
internal enum Currency
{
    Eur,
    Usd,
}

internal sealed record Payment(string Account, Currency Currency);
