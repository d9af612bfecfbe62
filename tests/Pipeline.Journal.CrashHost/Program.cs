using System;
using System.Globalization;
using System.IO;
using System.Threading;
using Pipeline.Journal;
using Pipeline.Journal.Replay;
using Pipeline.Journal.Snapshots;
using Pipeline.Ledger;
using Pipeline.Testing;

namespace Pipeline.Journal.CrashHost;

/// <summary>
/// The child process of the crash test: recovers the journal (and the ledger state from snapshot + tail), then
/// appends the deterministic ledger workload in batches with Batch durability and prints <c>durable N</c> after
/// every commit. The parent kills it with SIGKILL at random points and checks what survived.
/// </summary>
/// <remarks>
/// Usage: <c>journalDir snapshotDir seed batchSize batches(0 = forever) snapshotEvery(0 = none) [watch-stdin]</c>.
/// Prints <c>ready L</c> after recovery (L = last sequence recovered) and <c>done L</c> after the last batch. Events
/// are applied to the state (and snapshotted) only after they are durable, so a snapshot never runs ahead of the
/// journal. With <c>watch-stdin</c> the process exits as soon as its standard input closes, so a child never
/// outlives a test run that died (.NET ignores a broken stdout pipe, so stdout cannot tell).
/// </remarks>
internal static class Program
{
    private static int Main(string[] args)
    {
        bool watchStdin = false;
        bool preallocate = false;
        for (int i = 6; i < args.Length; i++)
        {
            watchStdin |= args[i] == "watch-stdin";
            preallocate |= args[i] == "preallocate";
        }

        if (args.Length < 6 || args.Length > 8 || args.Length - 6 != (watchStdin ? 1 : 0) + (preallocate ? 1 : 0))
        {
            Console.Error.WriteLine("usage: journalDir snapshotDir seed batchSize batches snapshotEvery [watch-stdin] [preallocate]");
            return 2;
        }

        if (watchStdin)
        {
            var watcher = new Thread(ExitWhenStdinCloses) { IsBackground = true, Name = "stdin-watch" };
            watcher.Start();
        }

        string journalDir = args[0];
        string snapshotDir = args[1];
        int seed = int.Parse(args[2], CultureInfo.InvariantCulture);
        int batchSize = int.Parse(args[3], CultureInfo.InvariantCulture);
        long batches = long.Parse(args[4], CultureInfo.InvariantCulture);
        long snapshotEvery = long.Parse(args[5], CultureInfo.InvariantCulture);

        using JournalWriter writer = JournalWriter.Open(TestJournalOptions.Small(journalDir, preallocate: preallocate));
        var store = new FileSnapshotStore(snapshotDir, keep: 3);
        var coordinator = new ReplayCoordinator(new JournalReader(journalDir), store);
        RecoveryStart<LedgerState> start = coordinator.LoadState(() => new LedgerState());
        if (start.NextSequence > writer.LastSequence + 1)
        {
            throw new InvalidDataException($"The snapshot at {start.NextSequence - 1} is ahead of the journal ({writer.LastSequence}).");
        }

        var target = new LedgerReplayTarget(start.State, start.NextSequence - 1);
        coordinator.Replay(start.NextSequence, writer.LastSequence, target);
        LedgerState state = target.State;

        var workload = new LedgerWorkload(seed);
        workload.Skip(writer.LastSequence);
        using SnapshotScheduler? scheduler = snapshotEvery > 0 ? new SnapshotScheduler(store, snapshotEvery, writer.LastSequence) : null;
        TextWriter output = Console.Out;
        output.WriteLine("ready " + writer.LastSequence.ToString(CultureInfo.InvariantCulture));
        output.Flush();

        var batch = new WorkloadCommand[batchSize];
        for (long b = 0; batches == 0 || b < batches; b++)
        {
            long first = writer.LastSequence + 1;
            for (int i = 0; i < batchSize; i++)
            {
                batch[i] = workload.Next();
                writer.Append(batch[i].Type, 1, batch[i].ProducerId, batch[i].ProducerSequence, batch[i].Payload);
            }

            long durable = writer.Commit();
            output.WriteLine("durable " + durable.ToString(CultureInfo.InvariantCulture));
            output.Flush();
            for (int i = 0; i < batchSize; i++)
            {
                long sequence = first + i;
                LedgerApplier.Apply(state, sequence, batch[i]);
                scheduler?.OnApplied(sequence, writer.LastTimestampTicks, state);
            }
        }

        scheduler?.WaitForPending(TimeSpan.FromSeconds(30));
        output.WriteLine("done " + writer.LastSequence.ToString(CultureInfo.InvariantCulture));
        return 0;
    }

    private static void ExitWhenStdinCloses()
    {
        using Stream input = Console.OpenStandardInput();
        byte[] buffer = new byte[64];
        while (input.Read(buffer) > 0)
        {
        }

        Environment.Exit(3);
    }
}
