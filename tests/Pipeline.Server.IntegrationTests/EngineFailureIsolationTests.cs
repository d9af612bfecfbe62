using System;
using System.Collections.Generic;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Core;
using Pipeline.Core.Processing;
using Pipeline.Core.Sequencing;
using Pipeline.Core.Waiting;
using Pipeline.Journal;
using Pipeline.Ledger;
using Pipeline.Protocol;
using Pipeline.Hosting.Engine;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Server.IntegrationTests;

/// <summary>
/// The service's failure isolation, in process: a handler that throws on one event makes that event REJECTED
/// (handler_failed), is counted, and the pipeline goes on; a journal failure halts so nothing more is acknowledged.
/// </summary>
public sealed class EngineFailureIsolationTests
{
    private sealed class ThrowOn : IEventHandler<CommandEvent>
    {
        private readonly long _poison;

        public ThrowOn(long poison) => _poison = poison;

        public void OnEvent(ref CommandEvent entry, long sequence, bool endOfBatch)
        {
            if (sequence == _poison)
            {
                throw new InvalidOperationException("bug on purpose");
            }
        }
    }

    private sealed class Collect : IEventHandler<CommandEvent>
    {
        public List<(long Sequence, AckStatus Status, string Detail, string? DecodeError)> Seen { get; } = [];

        public void OnEvent(ref CommandEvent entry, long sequence, bool endOfBatch) =>
            Seen.Add((sequence, entry.Status, entry.Detail, entry.DecodeError));
    }

    // The failing stage gets the exception handler the service registers on that stage; the tail gets the service's default.
    private static (EventPipeline<CommandEvent> Pipeline, Collect Tail, FailureLog Failures) Build(
        string failingStageName, Func<ILogger, FailureLog, StageExceptionHandler<CommandEvent>> stageExceptionHandler, long poison)
    {
        var failures = new FailureLog();
        var builder = new PipelineBuilder<CommandEvent>(16, () => new CommandEvent(), ProducerType.Single, new BlockingWaitStrategy())
            .WithExceptionHandler(new IsolatingStageExceptionHandler<CommandEvent>(NullLogger.Instance, failures));
        var tail = new Collect();
        var options = new StageOptions<CommandEvent> { ExceptionHandler = stageExceptionHandler(NullLogger.Instance, failures) };
        builder.HandleWith(new ThrowOn(poison), failingStageName, options).Then(tail, "tail");
        return (builder.Build(), tail, failures);
    }

    private static void PublishJournaled(RingBuffer<CommandEvent> ring, int count)
    {
        for (int i = 0; i < count; i++)
        {
            long slot = ring.Next();
            ring[slot].ResetOutcome();
            ring[slot].Sequence = slot + 1;
            ring.Publish(slot);
        }
    }

    [Fact]
    public void LedgerStageThrows_OnOneEvent_ThatEventIsRejectedHandlerFailedAndTheRestGoOn()
    {
        (EventPipeline<CommandEvent> pipeline, Collect tail, FailureLog failures) = Build(StageNames.Application, (logger, failures) => new ApplicationStageExceptionHandler<CommandEvent>(logger, failures), poison: 2);
        using EventPipeline<CommandEvent> lease = pipeline;
        pipeline.Start();

        PublishJournaled(pipeline.RingBuffer, 5);
        bool drained = pipeline.Drain(TestTimeouts.Default);

        Assert.True(drained);
        Assert.Equal(5, tail.Seen.Count);
        Assert.Equal((AckStatus.Rejected, RejectReason.HandlerFailed), (tail.Seen[2].Status, tail.Seen[2].Detail));
        Assert.All(new[] { 0, 1, 3, 4 }, i => Assert.Equal(AckStatus.Ok, tail.Seen[i].Status));
        Assert.Equal(1, failures.Count);
        Assert.Equal(2, failures.Recent()[0].Sequence);
    }

    [Fact]
    public void DecodeStageThrows_OnOneEvent_ItsDecodeErrorIsHandlerFailedSoTheLedgerRejectsIt()
    {
        (EventPipeline<CommandEvent> pipeline, Collect tail, FailureLog failures) = Build(StageNames.Decode + "-0", (logger, failures) => new DecodeStageExceptionHandler<CommandEvent>(logger, failures), poison: 1);
        using EventPipeline<CommandEvent> lease = pipeline;
        pipeline.Start();

        PublishJournaled(pipeline.RingBuffer, 3);
        bool drained = pipeline.Drain(TestTimeouts.Default);

        Assert.True(drained);
        Assert.Equal(RejectReason.HandlerFailed, tail.Seen[1].DecodeError);
        Assert.Null(tail.Seen[0].DecodeError);
        Assert.Equal(1, failures.Count);
    }

    [Fact]
    public void JournalStageThrows_PipelineHaltsBeforeTheEventAndNothingAfterItIsProcessed()
    {
        (EventPipeline<CommandEvent> pipeline, Collect tail, FailureLog failures) = Build(StageNames.Journal, (logger, failures) => new JournalStageExceptionHandler<CommandEvent>(logger, failures), poison: 1);
        using EventPipeline<CommandEvent> lease = pipeline;
        pipeline.Start();

        PublishJournaled(pipeline.RingBuffer, 3);
        bool drained = pipeline.Drain(TestTimeouts.Default);
        bool tailCaughtUp = System.Threading.SpinWait.SpinUntil(() => pipeline.Processors[1].Sequence.Value >= 0, TestTimeouts.Default);

        Assert.False(drained);
        Assert.True(tailCaughtUp);
        Assert.True(pipeline.Completion.IsFaulted || pipeline.Processors[0].Fault is not null);
        Assert.Single(tail.Seen); // only the event before the failure got past the journal stage
        Assert.Equal(0, pipeline.Processors[0].Sequence.Value);
        Assert.Equal(FailureAction.Halt, failures.Recent()[0].Action);
    }

    [Fact]
    public void SequentialStage_FirstHandlerThrows_SecondStillSeesEveryEventAndTheFailureIsReported()
    {
        (EventPipeline<CommandEvent> pipeline, Collect second, FailureLog failures) = BuildSequential(new ThrowOn(1));
        using EventPipeline<CommandEvent> lease = pipeline;
        pipeline.Start();

        PublishJournaled(pipeline.RingBuffer, 3);
        bool drained = pipeline.Drain(TestTimeouts.Default);

        Assert.True(drained);
        Assert.Equal([0L, 1L, 2L], second.Seen.ConvertAll(s => s.Sequence));
        Assert.Equal(1, failures.Count);
        Assert.Equal(1, failures.Recent()[0].Sequence);
    }

    [Fact]
    public void SequentialStage_JournalFailureInTheFirstHandler_StillHalts()
    {
        (EventPipeline<CommandEvent> pipeline, Collect second, FailureLog failures) = BuildSequential(new JournalFailureOn(1));
        using EventPipeline<CommandEvent> lease = pipeline;
        pipeline.Start();

        PublishJournaled(pipeline.RingBuffer, 3);
        bool drained = pipeline.Drain(TestTimeouts.Default);

        Assert.False(drained);
        Assert.Equal(FailureAction.Halt, failures.Recent()[0].Action);
        Assert.Equal([0L, 1L], second.Seen.ConvertAll(s => s.Sequence)); // the failed event reached the read model, nothing after it did
    }

    // The service's last stage shape: a first handler (here one that fails) and a second one that records what it saw.
    private static (EventPipeline<CommandEvent> Pipeline, Collect Second, FailureLog Failures) BuildSequential<TFirst>(TFirst first)
        where TFirst : IEventHandler<CommandEvent>
    {
        var failures = new FailureLog();
        var builder = new PipelineBuilder<CommandEvent>(16, () => new CommandEvent(), ProducerType.Single, new BlockingWaitStrategy());
        var second = new Collect();
        var options = new StageOptions<CommandEvent> { ExceptionHandler = new IsolatingStageExceptionHandler<CommandEvent>(NullLogger.Instance, failures) };
        builder.HandleWith(new SequentialStage<CommandEvent, TFirst, Collect>(first, second), StageNames.Ack, options);
        return (builder.Build(), second, failures);
    }

    private sealed class JournalFailureOn(long poison) : IEventHandler<CommandEvent>
    {
        public void OnEvent(ref CommandEvent entry, long sequence, bool endOfBatch)
        {
            if (sequence == poison)
            {
                throw new JournalWriteFailedException("disk gone", null);
            }
        }
    }

    [Fact]
    public void AnyStage_JournalWriteFailedException_Halts()
    {
        var failures = new FailureLog();
        var handler = new IsolatingStageExceptionHandler<CommandEvent>(NullLogger.Instance, failures);
        var entry = new CommandEvent();

        FailureAction action = handler.OnEventException(new JournalWriteFailedException("disk gone", null), 7, ref entry, "ack");

        Assert.Equal(FailureAction.Halt, action);
    }

    [Fact]
    public void EveryStageExceptionHandler_JournalWriteFailedException_HaltsAndLeavesTheEntryAlone()
    {
        var failures = new FailureLog();
        StageExceptionHandler<CommandEvent>[] handlers =
        [
            new IsolatingStageExceptionHandler<CommandEvent>(NullLogger.Instance, failures),
            new DecodeStageExceptionHandler<CommandEvent>(NullLogger.Instance, failures),
            new ApplicationStageExceptionHandler<CommandEvent>(NullLogger.Instance, failures),
            new JournalStageExceptionHandler<CommandEvent>(NullLogger.Instance, failures),
        ];
        var entry = new CommandEvent();
        entry.ResetOutcome();

        FailureAction[] actions = Array.ConvertAll(handlers, h => h.OnEventException(new JournalWriteFailedException("disk gone", null), 7, ref entry, "any"));

        Assert.All(actions, action => Assert.Equal(FailureAction.Halt, action));
        Assert.Equal(AckStatus.Ok, entry.Status);
        Assert.Null(entry.DecodeError);
        Assert.Equal(handlers.Length, failures.Count);
        Assert.All(failures.Recent(), f => Assert.Equal(FailureAction.Halt, f.Action));
    }

    [Fact]
    public void JournalStageExceptionHandler_AnyException_Halts()
    {
        var failures = new FailureLog();
        var handler = new JournalStageExceptionHandler<CommandEvent>(NullLogger.Instance, failures);
        var entry = new CommandEvent();

        FailureAction action = handler.OnEventException(new InvalidOperationException("bug on purpose"), 3, ref entry, StageNames.Journal);

        Assert.Equal(FailureAction.Halt, action);
        Assert.Equal(FailureAction.Halt, Assert.Single(failures.Recent()).Action);
    }
}
