using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using Pipeline.Journal;
using Pipeline.Journal.Replay;

namespace Pipeline.JournalBench;

// Journal throughput on this machine's disk, with the disk's raw sequential write speed measured in the same run:
//   raw      write 1 MiB blocks with an fsync every 16 MiB (the ceiling for appends)
//   append   JournalWriter under None, Batch (a commit per producer batch) and Interval, 64-byte and 1 KiB payloads
//   replay   read every record back from the start into a trivial stateful handler (ReplayCoordinator)
// Usage: Pipeline.JournalBench [--events N] [--batch B] [--dir PATH]
internal static class Program
{
    private static int Main(string[] args)
    {
        long events = 2_000_000;
        int batch = 1000;
        string root = Path.Combine(Path.GetTempPath(), "pipeline-journalbench");
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--events": events = long.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--batch": batch = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--dir": root = args[i + 1]; break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 64;
            }
        }

        Directory.CreateDirectory(root);
        Console.WriteLine($"journal bench: {events:N0} events per run, producer batch {batch}, folder {root}");
        double rawCached = RawWrite(root, 512L << 20, fsyncEvery: 0);
        Console.WriteLine($"{"raw sequential write, no fsync",-34} {rawCached,10:N0} MB/s   (1 MiB writes, one fsync at the end)");
        double raw = RawWrite(root, 512L << 20, fsyncEvery: 16);
        Console.WriteLine($"{"raw sequential write",-34} {raw,10:N0} MB/s   (1 MiB writes, fsync every 16 MiB)");
        foreach (int payload in new[] { 64, 1024 })
        {
            foreach (DurabilityPolicy policy in new[] { DurabilityPolicy.None, DurabilityPolicy.Batch, DurabilityPolicy.Interval })
            {
                long n = payload == 1024 ? events / 4 : events;
                (double perSecond, double mbPerSecond, double fsyncs) = Append(root, policy, payload, n, batch, out string dir);
                string label = $"append {payload} B {policy}";
                Console.WriteLine($"{label,-34} {perSecond,10:N0} events/s {mbPerSecond,8:N0} MB/s {fsyncs,8:N0} fsyncs/s{(policy == DurabilityPolicy.None ? $"   ({mbPerSecond / rawCached:P0} of raw without fsync)" : string.Empty)}");
                if (policy == DurabilityPolicy.Batch)
                {
                    double replay = Replay(dir, n);
                    Console.WriteLine($"{"replay " + payload + " B",-34} {replay,10:N0} events/s");
                }

                Directory.Delete(dir, recursive: true);
            }
        }

        return 0;
    }

    private static double RawWrite(string root, long bytes, int fsyncEvery)
    {
        string path = Path.Combine(root, "raw.bin");
        byte[] block = new byte[1 << 20];
        new Random(1).NextBytes(block);
        long start = Stopwatch.GetTimestamp();
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None))
        {
            for (long written = 0; written < bytes; written += block.Length)
            {
                file.Write(block);
                if (fsyncEvery > 0 && (written / block.Length) % fsyncEvery == fsyncEvery - 1)
                {
                    file.Flush(flushToDisk: true);
                }
            }

            file.Flush(flushToDisk: true);
        }

        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        File.Delete(path);
        return bytes / seconds / 1e6;
    }

    private static (double EventsPerSecond, double MbPerSecond, double FsyncsPerSecond) Append(string root, DurabilityPolicy policy, int payloadBytes, long events, int batch, out string dir)
    {
        dir = Path.Combine(root, $"j-{policy}-{payloadBytes}-{Guid.NewGuid():N}");
        byte[] payload = new byte[payloadBytes];
        new Random(2).NextBytes(payload);
        byte[] type = "bench.event"u8.ToArray();
        using var journal = JournalWriter.Open(new JournalOptions { Directory = dir, Durability = policy, SegmentSizeBytes = 256L << 20 });
        long syncsBefore = journal.SyncCount;
        long start = Stopwatch.GetTimestamp();
        for (long i = 0; i < events; i++)
        {
            journal.Append(type, 1, 1, (ulong)i + 1, payload);
            if ((i + 1) % batch == 0)
            {
                journal.Commit();
            }
        }

        journal.Commit();
        // The run ends when the last event is durable under the policy (Interval: the flusher's next fsync).
        var spinner = default(System.Threading.SpinWait);
        while (journal.DurableSequence.Value < events)
        {
            spinner.SpinOnce(sleep1Threshold: 10);
        }

        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        long recordBytes = 48 + type.Length + payloadBytes;
        return (events / seconds, events * recordBytes / seconds / 1e6, (journal.SyncCount - syncsBefore) / seconds);
    }

    private static double Replay(string dir, long events)
    {
        var reader = new JournalReader(dir);
        var coordinator = new ReplayCoordinator(reader, null);
        var state = new CountingState();
        long start = Stopwatch.GetTimestamp();
        long replayed = coordinator.Replay(1, events, state, batchSize: 4096);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (replayed != events || state.Count != events)
        {
            throw new InvalidOperationException($"replayed {replayed}, expected {events}");
        }

        return events / seconds;
    }

    // A trivial stateful handler: it folds every event into a running state.
    private sealed class CountingState : IReplayTarget
    {
        public long Count { get; private set; }

        public long Checksum { get; private set; }

        public void Apply(in JournalRecord record)
        {
            Count++;
            Checksum += record.Sequence ^ record.Payload.Length;
        }

        public void EndOfBatch()
        {
        }
    }
}
