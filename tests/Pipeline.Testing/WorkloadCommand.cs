using System.Text;

namespace Pipeline.Testing;

/// <summary>One generated command: what a producer would journal.</summary>
/// <param name="Type">The event type, UTF-8 (e.g. <c>ledger.deposit</c>).</param>
/// <param name="Payload">The JSON payload, UTF-8 (may be deliberately malformed).</param>
/// <param name="ProducerId">The producer id (0 = anonymous).</param>
/// <param name="ProducerSequence">The producer's own sequence (0 for anonymous).</param>
public sealed record WorkloadCommand(byte[] Type, byte[] Payload, ulong ProducerId, ulong ProducerSequence)
{
    /// <summary>The type as a string.</summary>
    public string TypeName => Encoding.UTF8.GetString(Type);

    /// <summary>The payload as a string.</summary>
    public string PayloadText => Encoding.UTF8.GetString(Payload);
}
