using System.Text.Json.Serialization;

namespace Pipeline.Schemas;

// The member names are SchemaLockFolder.ModeName's, for the schema of the catalog's JSON (EnginePayloads.cs).
/// <summary>Which earlier versions a new schema version must stay compatible with, named as in Confluent Schema Registry.</summary>
public enum CompatibilityMode
{
    /// <summary>The new version reads data written with the previous version (the default).</summary>
    [JsonStringEnumMemberName("BACKWARD")]
    Backward = 0,

    /// <summary>The new version reads data written with every earlier version.</summary>
    [JsonStringEnumMemberName("BACKWARD_TRANSITIVE")]
    BackwardTransitive,

    /// <summary>The previous version reads data written with the new version.</summary>
    [JsonStringEnumMemberName("FORWARD")]
    Forward,

    /// <summary>Every earlier version reads data written with the new version.</summary>
    [JsonStringEnumMemberName("FORWARD_TRANSITIVE")]
    ForwardTransitive,

    /// <summary>Backward and forward against the previous version.</summary>
    [JsonStringEnumMemberName("FULL")]
    Full,

    /// <summary>Backward and forward against every earlier version.</summary>
    [JsonStringEnumMemberName("FULL_TRANSITIVE")]
    FullTransitive,

    /// <summary>No check: any change is accepted.</summary>
    [JsonStringEnumMemberName("NONE")]
    None,
}
