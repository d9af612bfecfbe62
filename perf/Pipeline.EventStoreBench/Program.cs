using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using Pipeline.EventStore;

namespace Pipeline.EventStoreBench;

// The event log's retrieval figures of issue 14 on this machine's disk:
//   write    N ledger-like events over S streams (round robin, so each stream's events spread over the whole log)
//   scan     a forward read of the whole log
//   rebuild  every segment's index file deleted, then the first query rebuilds them
//   stream   300 reads of a whole random stream (N / S events each) through the index, warm: p50, p99, max; the
//            same 300 again after 1,000 more reads (every page a read touches has been touched by the process)
//   cold     whole random streams read by a fresh EventIndex (what a new process does: verify every index file it
//            uses, open and map the files), with the page cache kept; then, as root, with the page cache dropped
//            (/proc/sys/vm/drop_caches) before each read: by a fresh EventIndex, and by one whose index files were
//            verified before the drop but whose files are closed (Dispose)
// Usage: Pipeline.EventStoreBench [--events N] [--streams S] [--dir PATH] [--reuse]
// The folder is reused when it holds a log; --reuse also skips the scan and the rebuild (which deletes the index
// files), for repeated read measurements of one log.
internal static class Program
{
    private static int Main(string[] args)
    {
        long events = 10_000_000;
        int streams = 10_000;
        string dir = Path.Combine(Path.GetTempPath(), "pipeline-eventstorebench");
        bool reuse = false;
        for (int i = 0; i < args.Length; i += 2)
        {
            if (args[i] == "--reuse")
            {
                reuse = true;
                i--;
                continue;
            }

            if (i + 1 >= args.Length)
            {
                Console.Error.WriteLine($"option {args[i]} needs a value");
                return 64;
            }

            switch (args[i])
            {
                case "--events": events = long.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--streams": streams = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--dir": dir = args[i + 1]; break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 64;
            }
        }

        var options = new EventLogOptions { Directory = dir };
        Console.WriteLine($"event store bench: {events:N0} events over {streams:N0} streams, folder {dir}");
        bool written = false;
        if (!Directory.Exists(dir) || Directory.GetFiles(dir, "*.log").Length == 0)
        {
            Write(options, events, streams);
            written = true;
        }

        if (!reuse || written)
        {
            Scan(options);
            Rebuild(options, events);
        }

        ReadStreams(options, events, streams);
        ReadStreamsCold(options, events, streams);
        return 0;
    }

    private static byte[] StreamId(int stream) => Encoding.UTF8.GetBytes("account-a-" + stream.ToString(CultureInfo.InvariantCulture));

    private static void Write(EventLogOptions options, long events, int streams)
    {
        var ids = new byte[streams][];
        for (int s = 0; s < streams; s++)
        {
            ids[s] = StreamId(s);
        }

        byte[] payload = Encoding.UTF8.GetBytes("{\"account\":\"a-1234\",\"amount\":100}");
        byte[] type = Encoding.UTF8.GetBytes("ledger.deposited");
        var versions = new long[streams];
        var clock = Stopwatch.StartNew();
        using (EventLogWriter writer = EventLogWriter.Open(options))
        {
            for (long i = 0; i < events; i++)
            {
                int s = (int)(i % streams);
                writer.Append(new EventToAppend(ids[s], ++versions[s], type, 1, payload, i + 1, 638_000_000_000_000_000 + (i * 1000), (ulong)(s % 8)));
            }

            writer.FlushToDisk();
        }

        Console.WriteLine($"write    {events:N0} events in {clock.Elapsed.TotalSeconds:F1} s = {events / clock.Elapsed.TotalSeconds / 1e6:F2} M events/s (fsync at the end and at each segment roll)");
    }

    private static void Scan(EventLogOptions options)
    {
        var clock = Stopwatch.StartNew();
        long count = 0;
        using (EventLogCursor cursor = new EventLogReader(options).ReadForward(1))
        {
            while (cursor.TryRead(out _))
            {
                count++;
            }
        }

        Console.WriteLine($"scan     {count:N0} events in {clock.Elapsed.TotalSeconds:F2} s = {count / clock.Elapsed.TotalSeconds / 1e6:F2} M events/s (forward, whole log)");
    }

    private static void Rebuild(EventLogOptions options, long events)
    {
        foreach (string file in Directory.GetFiles(options.Directory, "*.idx"))
        {
            File.Delete(file);
        }

        var clock = Stopwatch.StartNew();
        using (EventIndexCursor cursor = new EventIndex(options).ReadStream(StreamId(7)))
        {
            while (cursor.TryRead(out _))
            {
            }
        }

        Console.WriteLine($"rebuild  every index file in {clock.Elapsed.TotalSeconds:F2} s = {events / clock.Elapsed.TotalSeconds / 1e6:F2} M events/s (first query after deleting them)");
    }

    // Whole streams, then only each stream's first event: the second is the index look-up's share (it still visits the
    // segments until it finds one), the first adds one read per event.
    private static void ReadStreams(EventLogOptions options, long events, int streams)
    {
        using var index = new EventIndex(options);
        foreach (int maxCount in new[] { int.MaxValue, 1 })
        {
            var random = new Random(1);
            var milliseconds = new List<double>();
            int gen0 = GC.CollectionCount(0);
            for (int q = 0; q < 300; q++)
            {
                byte[] id = StreamId(random.Next(streams));
                long started = Stopwatch.GetTimestamp();
                using (EventIndexCursor cursor = index.ReadStream(id, maxCount: maxCount))
                {
                    while (cursor.TryRead(out _))
                    {
                    }
                }

                milliseconds.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            double first = milliseconds[0];
            milliseconds.Sort();
            string what = maxCount == 1 ? "first event of each stream" : $"{events / streams:N0} events per read";
            Console.WriteLine($"stream   {what}, 300 random streams: first {first:F2} ms, then p50 {milliseconds[150]:F2} ms, p99 {milliseconds[296]:F2} ms, max {milliseconds[^1]:F2} ms, gen0 GCs {GC.CollectionCount(0) - gen0}");
        }

        // The same index after 1,000 more reads: every page of the log a read touches has been touched before (an
        // index that maps segments pays for the first touch of each page once per process, far more than a read).
        var warmUp = new Random(3);
        for (int q = 0; q < 1000; q++)
        {
            TimeRead(index, StreamId(warmUp.Next(streams)));
        }

        var after = new List<double>();
        var again = new Random(1);
        for (int q = 0; q < 300; q++)
        {
            after.Add(TimeRead(index, StreamId(again.Next(streams))));
        }

        after.Sort();
        Console.WriteLine($"stream   {events / streams:N0} events per read, 300 random streams after 1,000 warm-up reads: p50 {after[150]:F2} ms, p99 {after[296]:F2} ms, max {after[^1]:F2} ms");
    }

    // A fresh EventIndex per read: it verifies (whole-file CRC) every index file the read uses, and opens and maps
    // the files. Then the same with nothing in the page cache, if this process may drop it.
    private static void ReadStreamsCold(EventLogOptions options, long events, int streams)
    {
        string what = $"{events / streams:N0} events per read";
        var random = new Random(2);
        var milliseconds = new List<double>();
        for (int q = 0; q < 20; q++)
        {
            using var index = new EventIndex(options);
            milliseconds.Add(TimeRead(index, StreamId(random.Next(streams))));
        }

        Console.WriteLine($"cold     {what}, fresh EventIndex per read (page cache kept), {Summary(milliseconds)}");

        if (!TryDropPageCache(out string? problem))
        {
            Console.WriteLine($"cold     page cache not dropped ({problem}): run as root for the page-cache-cold figures");
            return;
        }

        milliseconds.Clear();
        for (int q = 0; q < 5; q++)
        {
            using var index = new EventIndex(options);
            byte[] id = StreamId(random.Next(streams));
            TryDropPageCache(out _);
            milliseconds.Add(TimeRead(index, id));
        }

        Console.WriteLine($"cold     {what}, page cache dropped and fresh EventIndex per read, {Summary(milliseconds)}");

        milliseconds.Clear();
        using (var verified = new EventIndex(options))
        {
            TimeRead(verified, StreamId(random.Next(streams))); // verifies every index file; their fences stay in memory
            for (int q = 0; q < 20; q++)
            {
                verified.Dispose(); // closes and unmaps the files: the next read opens and maps them again
                byte[] id = StreamId(random.Next(streams));
                TryDropPageCache(out _);
                milliseconds.Add(TimeRead(verified, id));
            }
        }

        Console.WriteLine($"cold     {what}, page cache dropped before each read, index files verified earlier (files closed), {Summary(milliseconds)}");
    }

    private static double TimeRead(EventIndex index, byte[] streamId)
    {
        long started = Stopwatch.GetTimestamp();
        using (EventIndexCursor cursor = index.ReadStream(streamId))
        {
            while (cursor.TryRead(out _))
            {
            }
        }

        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    // p99 by nearest rank: with fewer than 100 reads it is the maximum.
    private static string Summary(List<double> milliseconds)
    {
        milliseconds.Sort();
        int n = milliseconds.Count;
        double p99 = milliseconds[Math.Min(n - 1, (int)Math.Ceiling(n * 0.99) - 1)];
        return $"{n} random streams: p50 {milliseconds[n / 2]:F2} ms, p99 {p99:F2} ms, max {milliseconds[^1]:F2} ms";
    }

    // Drops the whole machine's clean page cache (and dentries and inodes): needs root. Disk-backed folders only;
    // tmpfs (/dev/shm) keeps its files in memory regardless.
    private static bool TryDropPageCache(out string? problem)
    {
        try
        {
            File.WriteAllText("/proc/sys/vm/drop_caches", "3");
            problem = null;
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problem = ex.Message;
            return false;
        }
    }
}
