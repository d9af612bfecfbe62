namespace Pipeline.Hosting;

/// <summary>How the engine checks command payloads against their declared version's JSON Schema (<c>Pipeline:Schemas:Validation</c>).</summary>
public enum PayloadValidation
{
    /// <summary>No schema check: the application's decoder alone judges a payload, and a refusal names no member.</summary>
    Off,

    /// <summary>
    /// The decoder judges; when it refuses a payload, the schema finds the offending member for the REJECTED answer
    /// (protocol version 4). Costs nothing on accepted payloads.
    /// </summary>
    Rejections,

    /// <summary>
    /// As <see cref="Rejections"/>, and every payload the decoder accepts is validated too: one its schema refuses is
    /// REJECTED <c>malformed_payload</c> with the member's path, so nothing that breaks the published contract is
    /// ever accepted, whatever the decoder lets through.
    /// </summary>
    All,
}
