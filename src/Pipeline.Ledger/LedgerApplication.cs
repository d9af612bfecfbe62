using System;
using System.Buffers;
using System.Text.Json;
using Pipeline.Application;

namespace Pipeline.Ledger;

/// <summary>A decoded ledger command with the slots where the decoder found its accounts.</summary>
/// <param name="Command">The command.</param>
/// <param name="Hints">The accounts' slots (hints only).</param>
public readonly record struct DecodedLedgerCommand(LedgerCommand Command, AccountHints Hints);

/// <summary>
/// The ledger (shared/spec/protocol.md's default application) on the application contract: commands
/// <c>ledger.open|deposit|withdraw|transfer</c> become events <c>ledger.opened|deposited|withdrawn|transferred</c>
/// in the account's stream (<c>account-</c> + id; a transfer writes one event to each account's stream).
/// </summary>
public sealed class LedgerApplication : IApplication<LedgerState, DecodedLedgerCommand, LedgerEvent>, IStreamingApplication<LedgerEvent>, ICatalogSource, ICommandSchemas, IUpcastingApplication
{
    /// <summary>The ledger with its built-in windows at their defaults (<see cref="LedgerStreamOptions.Default"/>).</summary>
    public LedgerApplication()
        : this(LedgerStreamOptions.Default)
    {
    }

    /// <summary>The ledger with its built-in windows sized by <paramref name="streams"/>.</summary>
    public LedgerApplication(LedgerStreamOptions streams)
    {
        Streams = LedgerStreams.Create(streams);
    }

    /// <inheritdoc />
    public System.Collections.Generic.IReadOnlyList<Pipeline.Streams.Hosting.StreamDefinition<LedgerEvent>> Streams { get; }

    /// <inheritdoc />
    /// <remarks>The published schemas (src/Pipeline.Ledger/schemas); the engine validates every command payload against its version's.</remarks>
    public Pipeline.Schemas.SchemaRegistry Schemas => Catalog.LedgerCatalog.CreateSchemas();

    /// <inheritdoc />
    public string CatalogJson => Pipeline.Schemas.Catalog.CatalogWriter.ToCompactJson(Catalog.LedgerCatalog.Create(this));

    /// <summary>The stored type of <see cref="LedgerEventKind.Opened"/>.</summary>
    public static readonly EventType Opened = new("ledger.opened");

    /// <summary>The stored type of <see cref="LedgerEventKind.Deposited"/> without a reference (version 1).</summary>
    public static readonly EventType Deposited = new("ledger.deposited");

    /// <summary>The stored type of a deposit with a reference: <c>ledger.deposited</c> version 2 (version 1 plus <c>reference</c>).</summary>
    public static readonly EventType DepositedWithReference = new("ledger.deposited", 2);

    /// <summary>The stored type of <see cref="LedgerEventKind.Withdrawn"/>.</summary>
    public static readonly EventType Withdrawn = new("ledger.withdrawn");

    /// <summary>The stored type of both sides of a transfer.</summary>
    public static readonly EventType Transferred = new("ledger.transferred");

    // In LedgerCommandKind order (Open = 1 at index 0), so that a type's index is its kind minus 1.
    private static readonly CommandTypes s_commands = new(
        new CommandType("ledger.open", LedgerCommandParser.SchemaVersion),
        new CommandType("ledger.deposit", LedgerCommandParser.SchemaVersion, LedgerCommandParser.DepositReferenceVersion),
        new CommandType("ledger.withdraw", LedgerCommandParser.SchemaVersion),
        new CommandType("ledger.transfer", LedgerCommandParser.SchemaVersion));

    /// <inheritdoc />
    public CommandTypes Commands => s_commands;

    /// <inheritdoc />
    /// <remarks><see cref="LedgerUpcasters.Chain"/>: a version 1 deposit reaches the decoder as version 2.</remarks>
    public Pipeline.Schemas.Upcasting.UpcasterChain Upcasters => LedgerUpcasters.Chain;

    /// <inheritdoc />
    public LedgerState CreateState() => new();

    /// <inheritdoc />
    public ICommandDecoder<DecodedLedgerCommand> CreateDecoder(LedgerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new Decoder(state.Ids);
    }

    /// <inheritdoc />
    public string? Decide(LedgerState state, in DecodedLedgerCommand command, in CommandContext context, EventSink<LedgerEvent> events)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Decide(command.Command, command.Hints, events);
    }

    /// <inheritdoc />
    public void Evolve(LedgerState state, in LedgerEvent @event, in EventContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.Evolve(@event);
    }

    /// <inheritdoc />
    public EventHeader Describe(in LedgerEvent @event) => new(@event.Stream, @event.Kind switch
    {
        LedgerEventKind.Opened => Opened,
        LedgerEventKind.Deposited => @event.Reference is null ? Deposited : DepositedWithReference,
        LedgerEventKind.Withdrawn => Withdrawn,
        _ => Transferred,
    });

    /// <inheritdoc />
    public void WritePayload(in LedgerEvent @event, IBufferWriter<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (PlainJson.TryWrite(@event, payload))
        {
            return;
        }

        WriteWithJsonWriter(@event, payload);
    }

    // Ids with characters that JSON (or the writer's default encoder) escapes: the writer, reused per thread. Also
    // the reference the plain path is tested against.
    internal static void WriteWithJsonWriter(in LedgerEvent @event, IBufferWriter<byte> payload)
    {
        Utf8JsonWriter writer = JsonWriterCache.Get(payload);
        writer.WriteStartObject();
        switch (@event.Kind)
        {
            case LedgerEventKind.Opened:
                writer.WriteString("account"u8, @event.Account);
                break;
            case LedgerEventKind.Deposited:
            case LedgerEventKind.Withdrawn:
                writer.WriteString("account"u8, @event.Account);
                writer.WriteNumber("amount"u8, @event.Amount);
                writer.WriteNumber("balance"u8, @event.Balance);
                if (@event.Reference is not null)
                {
                    writer.WriteString("reference"u8, @event.Reference);
                }

                break;
            default:
                writer.WriteString("from"u8, @event.From);
                writer.WriteString("to"u8, @event.To);
                writer.WriteNumber("amount"u8, @event.Amount);
                writer.WriteString("account"u8, @event.Account);
                writer.WriteNumber("balance"u8, @event.Balance);
                break;
        }

        writer.WriteEndObject();
        writer.Flush();
    }

    /// <inheritdoc />
    public ReadSide<LedgerEvent> CreateReadSide(LedgerState state, ApplicationServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var model = new LedgerReadModel(state);
        return new ReadSide<LedgerEvent>(model, new LedgerQueries(model, services.Events));
    }

    private sealed class Decoder(AccountIdTable ids) : ICommandDecoder<DecodedLedgerCommand>
    {
        public bool TryDecode(int typeIndex, ushort schemaVersion, ReadOnlySpan<byte> payload, out DecodedLedgerCommand command, out string? rejectReason)
        {
            if (LedgerCommandParser.TryParse((LedgerCommandKind)(typeIndex + 1), schemaVersion, payload, ids, out LedgerCommand parsed, out AccountHints hints, out rejectReason))
            {
                command = new DecodedLedgerCommand(parsed, hints);
                return true;
            }

            command = default;
            return false;
        }
    }

    private static class JsonWriterCache
    {
        [ThreadStatic]
        private static Utf8JsonWriter? t_writer;

        public static Utf8JsonWriter Get(IBufferWriter<byte> output)
        {
            if (t_writer is null)
            {
                t_writer = new Utf8JsonWriter(output);
            }
            else
            {
                t_writer.Reset(output);
            }

            return t_writer;
        }
    }
}

/// <summary>
/// Writes a ledger event's payload without Utf8JsonWriter when every id is made only of characters that the writer
/// would copy as they are (letters, digits and <c>-_.:@/</c>): the same bytes, several times faster. Anything else
/// is left to the writer, so stored payloads never depend on which path wrote them.
/// </summary>
internal static class PlainJson
{
    // The longest payload: a transfer with three 64-character ids and two 20-digit numbers, with room to spare.
    private const int MaxBytes = 512;

    public static bool TryWrite(in LedgerEvent e, IBufferWriter<byte> payload)
    {
        if (e.Reference is not null || !IsPlain(e.Account) || (e.From is not null && !IsPlain(e.From)) || (e.To is not null && !IsPlain(e.To)))
        {
            return false;
        }

        Span<byte> span = payload.GetSpan(MaxBytes);
        int n = 0;
        switch (e.Kind)
        {
            case LedgerEventKind.Opened:
                Append(span, ref n, "{\"account\":\""u8);
                Append(span, ref n, e.Account);
                Append(span, ref n, "\"}"u8);
                break;
            case LedgerEventKind.Deposited:
            case LedgerEventKind.Withdrawn:
                Append(span, ref n, "{\"account\":\""u8);
                Append(span, ref n, e.Account);
                Append(span, ref n, "\",\"amount\":"u8);
                Append(span, ref n, e.Amount);
                Append(span, ref n, ",\"balance\":"u8);
                Append(span, ref n, e.Balance);
                Append(span, ref n, "}"u8);
                break;
            default:
                Append(span, ref n, "{\"from\":\""u8);
                Append(span, ref n, e.From!);
                Append(span, ref n, "\",\"to\":\""u8);
                Append(span, ref n, e.To!);
                Append(span, ref n, "\",\"amount\":"u8);
                Append(span, ref n, e.Amount);
                Append(span, ref n, ",\"account\":\""u8);
                Append(span, ref n, e.Account);
                Append(span, ref n, "\",\"balance\":"u8);
                Append(span, ref n, e.Balance);
                Append(span, ref n, "}"u8);
                break;
        }

        payload.Advance(n);
        return true;
    }

    private static bool IsPlain(string id)
    {
        if (id.Length > LedgerCommand.MaxAccountLength)
        {
            return false;
        }

        foreach (char c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':' or '@' or '/'))
            {
                return false;
            }
        }

        return true;
    }

    private static void Append(Span<byte> span, ref int n, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(span[n..]);
        n += bytes.Length;
    }

    private static void Append(Span<byte> span, ref int n, string ascii)
    {
        for (int i = 0; i < ascii.Length; i++)
        {
            span[n + i] = (byte)ascii[i];
        }

        n += ascii.Length;
    }

    private static void Append(Span<byte> span, ref int n, long value)
    {
        System.Buffers.Text.Utf8Formatter.TryFormat(value, span[n..], out int written);
        n += written;
    }
}
