using System;
using Pipeline.Client;

namespace Pipeline.LoadGen;

/// <summary>Sends a batch with the client's allocation-lean <see cref="PipelineClient.PublishBatch"/>; the send time is the token.</summary>
/// <remarks>Called by one thread at a time per connection (the pacer, or under the closed loop's lock).</remarks>
internal sealed class ClientBatchSender(PipelineClient client, IAckObserver observer, ConnectionTracker tracker) : IBatchSender
{
    public void Send(ReadOnlySpan<(string Type, ReadOnlyMemory<byte> Payload)> commands, long sentTimestamp)
    {
        tracker.OnSending(commands.Length, sentTimestamp);
        try
        {
            client.PublishBatch(commands, observer, sentTimestamp);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
        {
            // The connection failed earlier: the batch was not sent. Counted as errors; the run goes on.
            tracker.OnPublishFailed(commands.Length, ex);
        }
    }
}
