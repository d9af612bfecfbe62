using System;
using System.Threading;
using System.Threading.Tasks;

namespace Pipeline.Core.Tests;

/// <summary>Runs test producers and waiters on dedicated threads, so that blocking them never starves the thread pool.</summary>
internal static class TestThreads
{
    public static Task Run(Action action) =>
        Task.Factory.StartNew(action, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    public static Task<TResult> Run<TResult>(Func<TResult> action) =>
        Task.Factory.StartNew(action, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
