using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Pipeline.Ingest;

/// <summary>
/// Runs every subscription's loop on one dedicated thread of the process (<c>pipeline-subscriptions</c>, nice
/// <see cref="Nice"/> on Linux), in turns: each loop gives the thread up after a batch (<see cref="Task.Yield"/>) and
/// while it waits.
/// </summary>
/// <remarks>
/// Why not the thread pool: on a small machine the pool has as many threads as cores, beside the engine's dedicated
/// threads, and every hand-over of a subscription (the visible head's wake-up, a CREDIT, the yield after a batch)
/// waited its turn in the pool's queue behind the connections' work: tens of milliseconds of delivery latency under
/// load. On its own thread a woken subscription runs at once, and all subscriptions together take at most one core,
/// so they cannot crowd out ingest however many there are; at a lower priority than the engine's threads, they
/// take what CPU ingest leaves (measured in docs/perf.md, "Consumers"). The price: the loops share one thread, so a
/// slow store read (a cold page) delays the others, and under a saturated CPU subscribers fall behind rather than
/// slow the writers.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "One instance for the life of the process; its thread never ends.")]
internal sealed class SubscriptionScheduler : TaskScheduler
{
    private static readonly Lazy<SubscriptionScheduler> s_shared = new(() => new SubscriptionScheduler("pipeline-subscriptions"));
    private readonly ConcurrentQueue<Task> _queue = new();
    private readonly SemaphoreSlim _ready = new(0);
    private readonly Thread _thread;

    private SubscriptionScheduler(string name)
    {
        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>The process's one subscription thread (started on first use; a background thread: it never holds the process up).</summary>
    public static SubscriptionScheduler Shared => s_shared.Value;

    /// <inheritdoc />
    public override int MaximumConcurrencyLevel => 1;

    /// <summary>The thread's nice value on Linux: below the engine's threads (0), so that under a full CPU ingest wins.</summary>
    public const int Nice = 10;

    private const int PriorityOfProcess = 0; // PRIO_PROCESS: with a thread id, Linux sets that thread's nice value
    private const long GetTidX64 = 186; // SYS_gettid on x86-64

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "syscall")]
    private static extern long Syscall(long number);

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "setpriority")]
    private static extern int SetPriority(int which, int who, int priority);

    /// <inheritdoc />
    protected override void QueueTask(Task task)
    {
        _queue.Enqueue(task);
        _ready.Release();
    }

    /// <inheritdoc />
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        Thread.CurrentThread == _thread && TryExecuteTask(task);

    /// <inheritdoc />
    protected override IEnumerable<Task> GetScheduledTasks() => _queue.ToArray();

    private void Run()
    {
        if (OperatingSystem.IsLinux() && System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64)
        {
            // Best effort: lowering a thread's own priority needs no privilege; a failure leaves it at the default.
            _ = SetPriority(PriorityOfProcess, (int)Syscall(GetTidX64), Nice);
        }

        while (true)
        {
            _ready.Wait();
            if (_queue.TryDequeue(out Task? task))
            {
                TryExecuteTask(task);
            }
        }
    }
}
