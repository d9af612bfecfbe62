using System;
using System.Runtime.InteropServices;

namespace Pipeline.Journal.Internal;

/// <summary>
/// Lowers the calling thread's CPU priority (Linux niceness) for background maintenance work: snapshot writing and
/// segment preallocation yield the cores to the pipeline's stages instead of competing with them as equals.
/// </summary>
/// <remarks>
/// Raising niceness needs no privilege. .NET's <c>Thread.Priority</c> does nothing on Linux, hence setpriority on
/// the thread id. Best effort: elsewhere, or if the call fails, the thread keeps its priority.
/// </remarks>
internal static class BackgroundPriority
{
    /// <summary>The niceness of background threads: the scheduler gives a nice-0 thread ~9x the CPU share of a nice-10 one.</summary>
    public const int Niceness = 10;

    private const int PrioProcess = 0;

    public static void LowerCurrentThread()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            _ = SetPriority(PrioProcess, GetTid(), Niceness);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // An unusual libc: the thread keeps the default priority.
        }
    }

    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetTid();

    [DllImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static extern int SetPriority(int which, int who, int priority);
}
