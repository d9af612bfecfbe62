using System;

namespace Pipeline.Journal;

/// <summary>
/// A write or fsync of the journal failed. The writer stops: the durable sequence never advances again in this
/// process, so nothing more is acknowledged. Not retried (after a failed fsync the page cache cannot be trusted).
/// </summary>
public sealed class JournalWriteFailedException : Exception
{
    /// <summary>Creates the exception; <paramref name="innerException"/> is the original I/O failure.</summary>
    public JournalWriteFailedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
