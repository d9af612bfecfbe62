using System.IO;

namespace Pipeline.Journal.Snapshots;

/// <summary>A stateful handler's state that can be snapshotted, restored and compared.</summary>
/// <remarks>
/// <see cref="CaptureSnapshot"/> runs on the handler's thread between two events and should only copy what is
/// needed (the stall it causes is the capture time); the returned capture is serialized on a background thread.
/// </remarks>
public interface ISnapshotable
{
    /// <summary>Copies the state as it is now; the capture must not change when the state changes afterwards.</summary>
    ISnapshotCapture CaptureSnapshot();

    /// <summary>Replaces the (empty) state with the one written by a capture's <see cref="ISnapshotCapture.WriteTo"/>.</summary>
    /// <exception cref="InvalidDataException">The stream does not hold a state this code can read.</exception>
    void RestoreSnapshot(Stream source);

    /// <summary>
    /// A stable hash of the state: equal states give equal digests in any process (so no string.GetHashCode and
    /// no dictionary iteration order). Used to prove that replay rebuilds the state exactly.
    /// </summary>
    ulong ComputeDigest();
}

/// <summary>A frozen copy of a state, written on a background thread.</summary>
public interface ISnapshotCapture
{
    /// <summary>The digest of the captured state (equal to <see cref="ISnapshotable.ComputeDigest"/> at capture time).</summary>
    ulong Digest { get; }

    /// <summary>Serializes the captured state.</summary>
    void WriteTo(Stream destination);
}
