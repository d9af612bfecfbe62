using System;
using System.Collections.Generic;
using System.Linq;
using Pipeline.Peers.Systems;

namespace Pipeline.Peers;

/// <summary>The systems a run can name, how each is made, and its default batch.</summary>
internal static class PeerSystems
{
    private static readonly (string Name, Func<IPeerSystem> Create, int ClosedBatch)[] All =
    [
        ("marten", () => new MartenPeer(commandsPerSession: 1), 1),
        ("marten-batch", () => new MartenPeer(commandsPerSession: 64), 64),
        ("redis", () => new RedisPeer(), 64),
        ("nats", () => new NatsPeer(syncAlways: false), 64),
        ("nats-sync", () => new NatsPeer(syncAlways: true), 64),
        ("memory", () => new MemoryPeer(), 64),
    ];

    public static IEnumerable<string> Names => All.Select(s => s.Name);

    public static bool IsKnown(string name) => All.Any(s => s.Name == name);

    public static IPeerSystem Create(string name) =>
        All.FirstOrDefault(s => s.Name == name).Create?.Invoke() ?? throw new ArgumentException($"unknown system '{name}'", nameof(name));

    /// <summary>
    /// Most events per append call unless --batch: the system's batch. In open loop a sender takes only what is due
    /// (up to this), as the load generator sends each connection's due commands together: one at a time at low rates,
    /// more when a backlog forms.
    /// </summary>
    public static int DefaultBatch(string name) => Math.Max(1, All.FirstOrDefault(s => s.Name == name).ClosedBatch);
}
