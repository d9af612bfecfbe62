using System;
using System.Globalization;
using System.Text;
using System.Threading;

namespace Pipeline.Peers;

/// <summary>
/// The ledger's command mix as events, pre-encoded: 40% deposits, 30% withdrawals, 25% transfers, 5% opens (the load
/// generator's mix), one event per command in the stream of the command's account (a transfer's source). Each
/// connection writes only its own accounts (account i belongs to connection i mod connections), so that a peer
/// checking the stream version optimistically (Marten) sees no conflict between connections, as an application that
/// routes each aggregate to one writer would. Seeded: the same seed and connection give the same events.
/// </summary>
internal sealed class PeerWorkload
{
    /// <summary>The stream the read workload times: exactly <see cref="ProbeEvents"/> events, spread over the store.</summary>
    public const string ProbeStream = "account-probe";

    public const int ProbeEvents = 1000;

    private readonly PeerEvent[] _events;
    private int _next;

    public PeerWorkload(int seed, int accounts, int connection, int connections, int size = 16384)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(connections);
        ArgumentOutOfRangeException.ThrowIfNegative(connection);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(connection, connections);
        ArgumentOutOfRangeException.ThrowIfLessThan(accounts, connections);
        var random = new Random(HashCode.Combine(seed, connection));
        int owned = accounts / connections;
        _events = new PeerEvent[size];
        for (int i = 0; i < size; i++)
        {
            int roll = random.Next(100);
            string a = Account((random.Next(owned) * connections) + connection);
            string type;
            string json;
            if (roll < 40)
            {
                type = "ledger.deposited";
                json = $"{{\"account\":\"{a}\",\"amount\":{random.Next(1, 1000)}}}";
            }
            else if (roll < 70)
            {
                type = "ledger.withdrawn";
                json = $"{{\"account\":\"{a}\",\"amount\":{random.Next(1, 2000)}}}";
            }
            else if (roll < 95)
            {
                type = "ledger.transferred";
                string b = Account(random.Next(accounts));
                json = $"{{\"from\":\"{a}\",\"to\":\"{b}\",\"amount\":{random.Next(1, 500)}}}";
            }
            else
            {
                type = "ledger.opened";
                json = $"{{\"account\":\"{a}\"}}";
            }

            _events[i] = new PeerEvent("account-" + a, type, Encoding.UTF8.GetBytes(json));
        }
    }

    public static string Account(int index) => "acc-" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>An event of the probe stream (a deposit into the probe account).</summary>
    public static PeerEvent Probe(int index) =>
        new(ProbeStream, "ledger.deposited", Encoding.UTF8.GetBytes($"{{\"account\":\"probe\",\"amount\":{index + 1}}}"));

    /// <summary>The next event of the cycle; thread-safe (a connection's concurrent appends share its workload).</summary>
    public PeerEvent Next()
    {
        uint next = (uint)Interlocked.Increment(ref _next) - 1;
        return _events[next % (uint)_events.Length];
    }
}
