namespace Pipeline.Schemas;

/// <summary>One way in which a new schema version fails its compatibility mode against one earlier version.</summary>
/// <param name="TypeName">The type whose versions were compared.</param>
/// <param name="OldVersion">The earlier version.</param>
/// <param name="NewVersion">The version being checked.</param>
/// <param name="Direction">
/// <see cref="CompatibilityMode.Backward"/> when the new version cannot read the old version's data,
/// <see cref="CompatibilityMode.Forward"/> when the old version cannot read the new version's data.
/// </param>
/// <param name="Path">The data path of the offending place, such as <c>$.lines[*].amount</c>.</param>
/// <param name="Rule">One of the <see cref="CompatibilityRules"/> identifiers.</param>
/// <param name="Detail">What exactly differs and what to do about it.</param>
public sealed record SchemaIncompatibility(
    string TypeName, int OldVersion, int NewVersion, CompatibilityMode Direction, string Path, string Rule, string Detail)
{
    /// <summary>The whole finding as one line a developer can act on.</summary>
    public string Message
    {
        get
        {
            string direction = Direction == CompatibilityMode.Backward
                ? $"BACKWARD: v{NewVersion} cannot read data written by v{OldVersion}"
                : $"FORWARD: v{OldVersion} cannot read data written by v{NewVersion}";
            return $"{TypeName} v{OldVersion} -> v{NewVersion}: {direction}: at {Path}: {Detail} (rule {Rule})";
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Message;
}
