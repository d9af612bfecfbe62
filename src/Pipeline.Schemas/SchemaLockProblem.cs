namespace Pipeline.Schemas;

/// <summary>One reason the committed schema folder and the code disagree.</summary>
/// <param name="TypeName">The type concerned.</param>
/// <param name="Version">The version concerned.</param>
/// <param name="Path">Where: the first differing schema path for a changed file, the data path for an incompatibility, <c>$</c> otherwise.</param>
/// <param name="Rule">
/// <c>published_schema_changed</c>, <c>published_version_not_registered</c>, or one of the <see cref="CompatibilityRules"/>.
/// </param>
/// <param name="Message">The full explanation, naming type, version and change.</param>
public sealed record SchemaLockProblem(string TypeName, int Version, string Path, string Rule, string Message)
{
    /// <summary>The rule of a published version whose generated schema no longer matches the committed file.</summary>
    public const string PublishedSchemaChanged = "published_schema_changed";

    /// <summary>The rule of a committed version the code no longer registers.</summary>
    public const string PublishedVersionNotRegistered = "published_version_not_registered";

    /// <inheritdoc/>
    public override string ToString() => Message;
}
