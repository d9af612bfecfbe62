using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Pipeline.Peers.Systems;

// Placeholder until the driver lands: every use says it is not built.
internal sealed class MartenPeer(int commandsPerSession) : IPeerSystem
{
    public string Name => commandsPerSession == 1 ? "marten" : "marten-batch";

    public string Settings => "not built";

    public bool FsyncBeforeAck => false;

    public int MaxBatchesInFlight => 1;

    public string? Missing() => "not built yet";

    public Task StartAsync(string dataDirectory, TextWriter log, CancellationToken cancellationToken) =>
        throw new PeerUnavailableException("MartenPeer is not built yet");

    public Task<IPeerConnection> ConnectAsync(int index, CancellationToken cancellationToken) =>
        throw new PeerUnavailableException("MartenPeer is not built yet");

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
