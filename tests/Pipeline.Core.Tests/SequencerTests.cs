using System;
using Pipeline.Core.Sequencing;
using Pipeline.Core.Waiting;
using Xunit;

namespace Pipeline.Core.Tests;

public sealed class SequencerTests
{
    private const int BufferSize = 8;

    [Theory]
    [InlineData(ProducerType.Single, typeof(SingleProducerSequencer))]
    [InlineData(ProducerType.Multi, typeof(MultiProducerSequencer))]
    public void Create_KnownProducerType_ReturnsMatchingSequencer(ProducerType producerType, Type expected)
    {
        var strategy = new BlockingWaitStrategy();

        Sequencer sequencer = Sequencer.Create(producerType, BufferSize, strategy);

        Assert.IsType(expected, sequencer);
        Assert.Equal(BufferSize, sequencer.BufferSize);
        Assert.Same(strategy, sequencer.WaitStrategy);
        Assert.Equal(Sequence.InitialValue, sequencer.Cursor.Value);
    }

    [Fact]
    public void Create_UnknownProducerType_ThrowsArgumentOutOfRange()
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(
            () => Sequencer.Create((ProducerType)42, BufferSize, new BlockingWaitStrategy()));

        Assert.Equal("producerType", exception.ParamName);
    }

    [Theory]
    [InlineData(ProducerType.Single)]
    [InlineData(ProducerType.Multi)]
    public void AddGatingSequences_SlowestSequenceGatesTheProducer(ProducerType producerType)
    {
        Sequencer sequencer = Sequencer.Create(producerType, BufferSize, new BlockingWaitStrategy());
        var fast = new Sequence();
        var slow = new Sequence();
        sequencer.AddGatingSequences(fast, slow);
        sequencer.Publish(0, sequencer.Next(BufferSize));

        fast.SetValue(BufferSize - 1);
        bool claimedWhileSlowLags = sequencer.TryNext(out _);
        slow.SetValue(0);
        bool claimedAfterSlowAdvanced = sequencer.TryNext(out _);

        Assert.False(claimedWhileSlowLags);
        Assert.True(claimedAfterSlowAdvanced);
    }

    [Theory]
    [InlineData(ProducerType.Single)]
    [InlineData(ProducerType.Multi)]
    public void RemoveGatingSequence_NoLongerGatesTheProducer(ProducerType producerType)
    {
        Sequencer sequencer = Sequencer.Create(producerType, BufferSize, new BlockingWaitStrategy());
        var consumer = new Sequence();
        sequencer.AddGatingSequences(consumer);
        sequencer.Publish(0, sequencer.Next(BufferSize));

        bool claimedWhileGated = sequencer.TryNext(out _);
        bool removed = sequencer.RemoveGatingSequence(consumer);
        bool removedTwice = sequencer.RemoveGatingSequence(consumer);
        bool claimedAfterRemoval = sequencer.TryNext(out _);

        Assert.False(claimedWhileGated);
        Assert.True(removed);
        Assert.False(removedTwice);
        Assert.True(claimedAfterRemoval);
    }

    [Fact]
    public void AddGatingSequences_NullArguments_ThrowArgumentNull()
    {
        Sequencer sequencer = Sequencer.Create(ProducerType.Single, BufferSize, new BlockingWaitStrategy());

        Assert.Throws<ArgumentNullException>(() => sequencer.AddGatingSequences(null!));
        Assert.Throws<ArgumentNullException>(() => sequencer.AddGatingSequences(new Sequence(), null!));
        Assert.Throws<ArgumentNullException>(() => sequencer.RemoveGatingSequence(null!));
    }
}
