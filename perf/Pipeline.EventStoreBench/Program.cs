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
//   stream   300 reads of a whole random stream (N / S events each) through the index, warm: p50, p99, max
// Usage: Pipeline.EventStoreBench [--events N] [--streams S] [--dir PATH] (the folder is reused when it holds a log)
internal static class Program
{
    private static int Main(string[] args)
    {
        long events = 10_000_000;
        int streams = 10_000;
        string dir = Path.Combine(Path.GetTempPath(), "pipeline-eventstorebench");
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
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
        if (!Directory.Exists(dir) || Directory.GetFiles(dir, "*.log").Length == 0)
        {
            Write(options, events, streams);
        }

        Scan(options);
        Rebuild(options, events);
        ReadStreams(options, events, streams);
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
        var index = new EventIndex(options);
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
    }
}
