namespace Pipeline.Core.Internal;

/// <summary>Padding used to keep fields written by different threads on different cache lines.</summary>
/// <remarks>
/// 128 bytes rather than 64: Intel's adjacent-line prefetcher pulls lines in pairs, and Apple/Arm64 cores use
/// 128-byte lines. Every padded type is checked by <c>CacheLineLayoutTests</c>.
/// </remarks>
internal static class CacheLine
{
    public const int PaddingBytes = 128;
}
