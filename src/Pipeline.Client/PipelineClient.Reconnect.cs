using System;
using System.Collections.Generic;
using System.Net.Sockets;
using System.Threading.Tasks;
using Pipeline.Protocol;

namespace Pipeline.Client;

// Reconnect and resume after a lost connection (PipelineClientOptions.AutoReconnect).
public sealed partial class PipelineClient
{
    private async Task<bool> TryReconnectAsync()
    {
        for (int attempt = 0; attempt < _options.MaxReconnectAttempts && !_disposed.IsCancellationRequested; attempt++)
        {
            try
            {
                await Task.Delay(_options.ReconnectDelay, _disposed.Token).ConfigureAwait(false);
                (Socket socket, Welcome welcome, byte[] leftover, int leftoverCount) = await HandshakeAsync(_options, _disposed.Token).ConfigureAwait(false);
                Resume(socket, welcome);
                _receiveLoop = ReceiveLoopAsync(socket, leftover, leftoverCount);
                StartFlush();
                return true;
            }
            catch (Exception ex) when (ex is SocketException or ServerErrorException or InvalidOperationException)
            {
                // The server is not back yet; try again.
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        return false;
    }

    // Takes _gate: what the journal holds is settled; the rest is written again, in order, ahead of anything new.
    // Observers and completions are told after the lock: an observer may publish again from its callback.
    private void Resume(Socket socket, Welcome welcome)
    {
        var settled = new List<PendingPublish>();
        bool anonymous = _options.ProducerId == 0;
        lock (_gate)
        {
            _socket = socket;
            Welcome = welcome;
            Reconnects++;
            var stillPending = new List<PendingPublish>();
            while (_unacknowledged.TryDequeue(out PendingPublish pending))
            {
                if (anonymous || pending.ProducerSequence <= welcome.LastProducerSequence)
                {
                    settled.Add(pending);
                }
                else
                {
                    stillPending.Add(pending);
                }
            }

            _outgoing.ResetWrittenCount(); // anything unsent is rebuilt below, queries and pings excepted
            foreach (PendingPublish pending in stillPending)
            {
                _unacknowledged.Enqueue(pending);
                FrameWriter.WritePublish(_outgoing, pending.ProducerSequence, pending.Type, pending.SchemaVersion, pending.Payload.Span);
            }

            if (!anonymous && _nextProducerSequence <= welcome.LastProducerSequence)
            {
                _nextProducerSequence = welcome.LastProducerSequence + 1;
            }
        }

        foreach (PendingPublish pending in settled)
        {
            if (anonymous)
            {
                // Without a producer id the server cannot de-duplicate: a resend could apply a command twice.
                FailOne(pending, new InvalidOperationException("The connection was lost before the ACK; an anonymous publish is not re-sent (it may or may not be journaled). Use a producer id to resume safely."));
            }
            else if (pending.Observer is { } observer)
            {
                observer.OnAck(pending.Token, pending.Index, 0, AckStatus.Duplicate, "journaled before the reconnect"u8);
            }
            else
            {
                pending.Done!.Complete(pending.Index, new Ack(pending.ProducerSequence, 0, AckStatus.Duplicate, "journaled before the reconnect"));
            }
        }

        FailRequests(new InvalidOperationException("The connection was lost; the request was not answered."));

        // After the publishes: a subscription's lock comes before _gate, so it is not taken above.
        ResumeSubscriptions();
    }
}
