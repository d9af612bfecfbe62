namespace Pipeline.Schemas;

/// <summary>The stable identifiers of the rules a schema change can break; they appear in every reported incompatibility.</summary>
public static class CompatibilityRules
{
    /// <summary>The reader requires a property the writer may omit.</summary>
    public const string RequiredPropertyAdded = "required_property_added";

    /// <summary>The writer may produce a property a closed reader (<c>additionalProperties: false</c>) does not declare.</summary>
    public const string PropertyNotAllowedByClosedModel = "property_not_allowed_by_closed_model";

    /// <summary>The writer may produce a JSON type (including <c>null</c>) the reader does not accept.</summary>
    public const string TypeNarrowed = "type_narrowed";

    /// <summary>The writer may produce an enum value the reader does not list.</summary>
    public const string EnumValueNotAccepted = "enum_value_not_accepted";

    /// <summary>A keyword this checker does not reason about changed, so the change is refused rather than guessed.</summary>
    public const string UnsupportedKeywordChanged = "unsupported_keyword_changed";
}
