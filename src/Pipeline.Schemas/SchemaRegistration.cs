using System;

namespace Pipeline.Schemas;

/// <summary>One version of a command or event type: its wire name, its version number and the C# type its schema comes from.</summary>
/// <param name="TypeName">The stable wire name, such as <c>ledger.deposit</c>.</param>
/// <param name="Version">The version number, 1 for the first.</param>
/// <param name="ClrType">The C# type whose JSON Schema is this version's schema.</param>
/// <param name="Mode">The compatibility this version must keep with the earlier versions of the same type.</param>
public sealed record SchemaRegistration(string TypeName, int Version, Type ClrType, CompatibilityMode Mode);
