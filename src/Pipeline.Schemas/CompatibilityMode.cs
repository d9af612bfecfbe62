namespace Pipeline.Schemas;

/// <summary>Which earlier versions a new schema version must stay compatible with, named as in Confluent Schema Registry.</summary>
public enum CompatibilityMode
{
    /// <summary>The new version reads data written with the previous version (the default).</summary>
    Backward = 0,

    /// <summary>The new version reads data written with every earlier version.</summary>
    BackwardTransitive,

    /// <summary>The previous version reads data written with the new version.</summary>
    Forward,

    /// <summary>Every earlier version reads data written with the new version.</summary>
    ForwardTransitive,

    /// <summary>Backward and forward against the previous version.</summary>
    Full,

    /// <summary>Backward and forward against every earlier version.</summary>
    FullTransitive,

    /// <summary>No check: any change is accepted.</summary>
    None,
}
