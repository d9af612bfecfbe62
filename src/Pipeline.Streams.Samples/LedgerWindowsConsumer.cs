using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Client;
using Pipeline.Ledger;
using Pipeline.Streams.Hosting;

namespace Pipeline.Streams.Samples;

// The ledger's windows in a consumer process: the same definitions the service runs (LedgerStreams), fed by a
// subscription to the service's events from the beginning. Each result is printed as the local flows produce it,
// beside the service's stored result for the same window when it comes, so the two can be compared by eye.
internal static class LedgerWindowsConsumer
{
    public static async Task<int> RunAsync(string host, int port, TextWriter output, TextWriter error, CancellationToken stop)
    {
        var printer = new Printer(output);
        var runner = new StreamRunner<LedgerEvent>(LedgerStreams.Create(LedgerStreamOptions.Default), printer);
        PipelineClient client;
        try
        {
            client = await PipelineClient.ConnectAsync(new PipelineClientOptions { Host = host, Port = port, ProtocolVersion = Protocol.FrameHeader.ConsumerProtocolVersion, ClientName = "ledger-windows-sample" }, stop).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            error.WriteLine($"cannot reach the service at {host}:{port}: {ex.Message}");
            return 1;
        }

        await using (client.ConfigureAwait(false))
        {
            error.WriteLine($"ledger-windows: subscribed to {host}:{port} from the beginning; 'local' lines are this process's flows, 'service' lines the stored results");
            try
            {
                await foreach (SubscriptionItem item in client.SubscribeAsync(new SubscriptionOptions(), stop).ConfigureAwait(false))
                {
                    if (item.Kind != SubscriptionItemKind.Event)
                    {
                        continue;
                    }

                    // Every event in its type's newest version: the reader below takes one shape per type.
                    StoredEvent e = item.Event!.Upcast(LedgerUpcasters.Chain);
                    if (e.Type is LedgerStreams.DepositStatsName or LedgerStreams.BusiestAccountsName)
                    {
                        output.WriteLine($"service {e.Type} {Encoding.UTF8.GetString(e.Payload.Span)}");
                    }

                    bool decoded = LedgerStoredEvents.TryRead(e.Type, e.Stream, (long)e.StreamVersion, e.Payload.Span, out LedgerEvent ledgerEvent);
                    runner.OnStored(decoded, ledgerEvent, e.TimestampTicks);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        }

        return 0;
    }

    internal sealed class Printer(TextWriter output) : IStreamOutput
    {
        public List<string> Lines { get; } = [];

        public void Result(StreamDefinition stream, string? key, long windowEnd, ReadOnlySpan<byte> payload) => Write($"local   {stream.Name} {Encoding.UTF8.GetString(payload)}");

        public void Late(StreamDefinition stream, ReadOnlySpan<byte> payload) => Write($"local   {stream.LateType} {Encoding.UTF8.GetString(payload)}");

        private void Write(string line)
        {
            Lines.Add(line);
            output.WriteLine(line);
        }
    }
}
