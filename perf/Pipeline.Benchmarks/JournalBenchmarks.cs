using System;
using System.IO;
using BenchmarkDotNet.Attributes;
using Pipeline.Journal;

namespace Pipeline.Benchmarks;

/// <summary>
/// The journal on this machine's disk, per record: appends through <see cref="JournalWriter"/> (64-byte payload,
/// 11-byte type, so 123 bytes on disk per record) with a commit every 1,000 records, and a replay of a pre-written
/// journal through <see cref="JournalReader"/>/<see cref="JournalCursor"/>. Each append iteration gets a fresh
/// journal folder (IterationSetup; the job's explicit UnrollFactor keeps BDN's pilot, so an iteration holds as
/// many invocations as fit its iteration time and the folder grows to ~25 MB per invocation before it is deleted);
/// opening the writer and the final fsync of <see cref="JournalWriter.Dispose"/> are outside the measurement.
/// Everything lives under one temp folder, deleted in GlobalCleanup.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Journal")]
public class JournalBenchmarks
{
    /// <summary>Records per invocation of the page-cache benchmarks (about 24 MB on disk).</summary>
    private const int Records = 200_000;

    /// <summary>Records per invocation of the fsync benchmark: 20 group commits.</summary>
    private const int DiskBoundRecords = 20_000;

    /// <summary>Records per commit (one producer batch); under Batch, one fsync each.</summary>
    private const int CommitEvery = 1_000;

    private const int PayloadBytes = 64;
    private static readonly byte[] s_type = "bench.event"u8.ToArray();
    private readonly byte[] _payload = new byte[PayloadBytes];
    private string _root = string.Empty;
    private string? _appendDirectory;
    private JournalWriter? _writer;
    private JournalReader? _reader;
    private int _iteration;

    [GlobalSetup(Targets = [nameof(Append_None), nameof(Append_Batch_DiskBound)])]
    public void SetupAppend()
    {
        ProbeLog.Record("Journal.Append");
        CreateRoot();
    }

    [GlobalSetup(Target = nameof(Replay))]
    public void SetupReplay()
    {
        ProbeLog.Record("Journal.Replay");
        CreateRoot();
        string directory = Path.Combine(_root, "replay");
        using (JournalWriter writer = JournalWriter.Open(new JournalOptions { Directory = directory, Durability = DurabilityPolicy.None }))
        {
            AppendRecords(writer, Records);
        }

        _reader = new JournalReader(directory);
    }

    [IterationSetup(Target = nameof(Append_None))]
    public void OpenNone() => OpenWriter(DurabilityPolicy.None);

    [IterationSetup(Target = nameof(Append_Batch_DiskBound))]
    public void OpenBatch() => OpenWriter(DurabilityPolicy.Batch);

    [IterationCleanup(Targets = [nameof(Append_None), nameof(Append_Batch_DiskBound)])]
    public void CloseWriter()
    {
        // Dispose writes and fsyncs the rest whatever the policy: outside the measured invocation.
        _writer?.Dispose();
        _writer = null;
        if (_appendDirectory is not null)
        {
            Directory.Delete(_appendDirectory, recursive: true);
            _appendDirectory = null;
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        CloseWriter();
        if (_root.Length > 0 && Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }

        ProbeLog.Record(nameof(JournalBenchmarks), "cleanup");
    }

    /// <summary>DurabilityPolicy.None: a commit is a write to the OS page cache, no fsync.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Records)]
    public long Append_None() => AppendRecords(_writer!, Records);

    /// <summary>DurabilityPolicy.Batch: one fsync per 1,000 records. Disk-bound: the figure is mostly fsync latency / 1,000.</summary>
    [Benchmark(OperationsPerInvoke = DiskBoundRecords)]
    [BenchmarkCategory("DiskBound")]
    public long Append_Batch_DiskBound() => AppendRecords(_writer!, DiskBoundRecords);

    /// <summary>
    /// Reads every record of a pre-written journal (hot in the page cache) through a new cursor. The cursor's 4 MiB
    /// read buffer is its only allocation: ~21 B per record at this size.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Records)]
    public long Replay()
    {
        using JournalCursor cursor = _reader!.ReadFrom(1, Records);
        long checksum = 0;
        long count = 0;
        while (cursor.TryRead(out JournalRecord record))
        {
            checksum += record.Sequence ^ record.Payload.Length;
            count++;
        }

        if (count != Records)
        {
            throw new InvalidOperationException($"Replay read {count} records, expected {Records}.");
        }

        return checksum;
    }

    private long AppendRecords(JournalWriter writer, int records)
    {
        byte[] payload = _payload;
        long sequence = 0;
        for (int i = 1; i <= records; i++)
        {
            sequence = writer.Append(s_type, 1, 1, (ulong)i, payload);
            if (i % CommitEvery == 0)
            {
                writer.Commit();
            }
        }

        writer.Commit();
        return sequence;
    }

    private void CreateRoot()
    {
        _root = Path.Combine(Path.GetTempPath(), "pipeline-bench-journal-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_root);
        new Random(2).NextBytes(_payload);
    }

    private void OpenWriter(DurabilityPolicy durability)
    {
        _appendDirectory = Path.Combine(_root, "append-" + _iteration++);
        _writer = JournalWriter.Open(new JournalOptions { Directory = _appendDirectory, Durability = durability });
    }
}
