using System;
using System.Globalization;
using System.IO;
using Pipeline.EventStore.Internal;

namespace Pipeline.EventStore.Maintenance;

/// <summary>Explicit, operator-driven repair of an event log (the <c>events rebuild</c> tool).</summary>
public static class EventLogRepair
{
    /// <summary>
    /// Moves the event log folder <paramref name="directory"/> aside, to <c>{directory}.damaged-{UTC time}</c> beside
    /// it, so that the service's next start rebuilds the log from the journal. Nothing is deleted. Takes the event
    /// log's lock, so it refuses while the service runs. Returns the folder the log was moved to.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">There is no such folder.</exception>
    /// <exception cref="IOException">The service (or another writer) has the log open, or the move failed.</exception>
    public static string MoveAside(string directory, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        if (!Directory.Exists(full))
        {
            throw new DirectoryNotFoundException($"There is no event log folder '{full}'.");
        }

        string stamp = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
        string target = $"{full}.damaged-{stamp}";
        for (int n = 2; Directory.Exists(target) || File.Exists(target); n++)
        {
            target = $"{full}.damaged-{stamp}-{n}";
        }

        // The lock is held across the move so that no writer opens the log in between; it moves with the folder.
        using (FileStream lockFile = EventSegmentFiles.AcquireLock(full))
        {
            Directory.Move(full, target);
        }

        return target;
    }
}
