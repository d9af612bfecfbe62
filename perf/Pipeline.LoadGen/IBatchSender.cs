using System;

namespace Pipeline.LoadGen;

/// <summary>Sends one batch of commands on one connection (a client in a run, a fake in a test).</summary>
internal interface IBatchSender
{
    /// <summary>Sends the commands; the span is only valid during the call. Does not throw: a failure is counted.</summary>
    void Send(ReadOnlySpan<(string Type, ReadOnlyMemory<byte> Payload)> commands, long sentTimestamp);
}
