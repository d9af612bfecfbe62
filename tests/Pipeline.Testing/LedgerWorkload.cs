using System;
using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Pipeline.Ledger;

namespace Pipeline.Testing;

/// <summary>
/// A deterministic stream of ledger commands from a seeded <see cref="Random"/>: opens, deposits, withdrawals and
/// transfers, with a share that the ledger rejects (existing or unknown accounts, insufficient funds, version
/// conflicts, same-account transfers, invalid amounts, malformed payloads, unknown types).
/// </summary>
/// <remarks>
/// The same seed gives the same commands in every process: it never looks at a ledger state, so a restarted
/// process regenerates the stream and <see cref="Skip"/>s what its journal already holds. One thread.
/// </remarks>
public sealed class LedgerWorkload
{
    private const int Producers = 3;
    private readonly Random _random;
    private readonly int _accountPool;
    private readonly ulong[] _producerSequences = new ulong[Producers + 1];
    private int _opened;

    /// <summary>Creates the stream for <paramref name="seed"/> over at most <paramref name="accountPool"/> accounts.</summary>
    public LedgerWorkload(int seed, int accountPool = 40)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(accountPool, 2);
        _random = new Random(seed);
        _accountPool = accountPool;
    }

    /// <summary>How many commands were generated (or skipped) so far.</summary>
    public long Generated { get; private set; }

    /// <summary>Generates and discards <paramref name="count"/> commands.</summary>
    public void Skip(long count)
    {
        for (long i = 0; i < count; i++)
        {
            _ = Next();
        }
    }

    /// <summary>The next command.</summary>
    public WorkloadCommand Next()
    {
        Generated++;
        int producer = _random.Next(Producers + 1);
        ulong producerSequence = producer == 0 ? 0 : ++_producerSequences[producer];
        int roll = _random.Next(100);
        (string type, byte[] payload) = roll switch
        {
            < 10 => Open(),
            < 36 => Amount("ledger.deposit", "account", Existing(), null, null, 1, 1000),
            < 52 => Amount("ledger.withdraw", "account", Existing(), null, null, 1, 1500),
            < 82 => Transfer(),
            < 88 => Amount("ledger.deposit", "account", Existing(), null, _random.Next(0, 8), 1, 100),
            < 91 => Amount("ledger.withdraw", "account", Unknown(), null, null, 1, 10),
            < 94 => Amount("ledger.deposit", "account", Existing(), null, null, 0, 0),
            < 97 => Malformed(),
            _ => ("ledger.audit", "{}"u8.ToArray()),
        };
        return new WorkloadCommand(Encoding.UTF8.GetBytes(type), payload, (ulong)producer, producerSequence);
    }

    private (string, byte[]) Open()
    {
        // Mostly new accounts while the pool lasts; otherwise an existing one (account_exists).
        string account = _opened < _accountPool && _random.Next(5) != 0 ? Name(_opened++) : Existing();
        return ("ledger.open", Json(w => w.WriteString("account", account)));
    }

    private (string, byte[]) Transfer()
    {
        string from = Existing();
        string to = _random.Next(20) == 0 ? from : Existing(); // same_account now and then
        long? expected = _random.Next(10) == 0 ? _random.Next(0, 8) : null;
        return Amount("ledger.transfer", "from", from, to, expected, 1, 800);
    }

    private (string, byte[]) Amount(string type, string accountField, string account, string? to, long? expectedVersion, long min, long max)
    {
        long amount = min == max ? min : _random.NextInt64(min, max + 1);
        byte[] payload = Json(w =>
        {
            w.WriteString(accountField, account);
            if (to is not null)
            {
                w.WriteString("to", to);
            }

            w.WriteNumber("amount", amount);
            if (expectedVersion is { } version)
            {
                w.WriteNumber("expectedVersion", version);
            }
        });
        return (type, payload);
    }

    private (string, byte[]) Malformed()
    {
        string text = _random.Next(3) switch
        {
            0 => "{\"account\": 5}",
            1 => "{\"account\": \"" + Existing() + "\", \"amount\": \"12\"}",
            _ => "{\"account\": \"" + Existing() + "\"",
        };
        return (_random.Next(2) == 0 ? "ledger.deposit" : "ledger.withdraw", Encoding.UTF8.GetBytes(text));
    }

    private string Existing() => Name(_random.Next(Math.Max(_opened, 1)));

    private string Unknown() => "ghost-" + _random.Next(1000).ToString(CultureInfo.InvariantCulture);

    private static string Name(int index) => "acct-" + index.ToString(CultureInfo.InvariantCulture);

    private static byte[] Json(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
