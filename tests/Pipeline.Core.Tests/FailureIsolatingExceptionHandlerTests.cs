using System;
using Pipeline.Core.Processing;
using Xunit;

namespace Pipeline.Core.Tests;

public sealed class FailureIsolatingExceptionHandlerTests
{
    [Theory]
    [InlineData(FailureAction.Continue)]
    [InlineData(FailureAction.Halt)]
    public void OnEventException_ReportsTheFailureAndReturnsThePolicy(FailureAction policy)
    {
        var log = new FailureLog();
        var handler = new FailureIsolatingExceptionHandler<TestEvent>(log, policy);
        var entry = new TestEvent();
        var exception = new InvalidOperationException("boom");

        FailureAction action = handler.OnEventException(exception, 42, ref entry, "ledger");

        Assert.Equal(policy, action);
        HandlerFailure failure = Assert.Single(log.Recent());
        Assert.Equal(new HandlerFailure(42, "ledger", exception, policy), failure);
    }

    [Fact]
    public void OnLifecycleException_ReportsWithoutSequence()
    {
        var log = new FailureLog();
        var handler = new FailureIsolatingExceptionHandler<TestEvent>(log, FailureAction.Halt);
        var exception = new InvalidOperationException("start failed");

        handler.OnLifecycleException(exception, "journal");

        HandlerFailure failure = Assert.Single(log.Recent());
        Assert.Equal(-1, failure.Sequence);
        Assert.Equal("journal", failure.HandlerName);
        Assert.Same(exception, failure.Exception);
        Assert.Equal(FailureAction.Continue, failure.Action);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(2)]
    [InlineData(int.MaxValue)]
    public void Constructor_UndefinedPolicy_ThrowsArgumentOutOfRange(int policy)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(
            () => new FailureIsolatingExceptionHandler<TestEvent>(new FailureLog(), (FailureAction)policy));

        Assert.Equal("policy", exception.ParamName);
    }

    [Fact]
    public void Constructor_NullSink_ThrowsArgumentNull()
    {
        var exception = Assert.Throws<ArgumentNullException>(() => new FailureIsolatingExceptionHandler<TestEvent>(null!));

        Assert.Equal("sink", exception.ParamName);
    }
}
