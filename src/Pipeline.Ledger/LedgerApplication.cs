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
public sealed class LedgerApplication : IApplication<LedgerState, DecodedLedgerCommand, LedgerEvent>
{
    /// <summary>The stored type of <see cref="LedgerEventKind.Opened"/>.</summary>
    public static readonly EventType Opened = new("ledger.opened");

    /// <summary>The stored type of <see cref="LedgerEventKind.Deposited"/>.</summary>
    public static readonly EventType Deposited = new("ledger.deposited");

    /// <summary>The stored type of <see cref="LedgerEventKind.Withdrawn"/>.</summary>
    public static readonly EventType Withdrawn = new("ledger.withdrawn");

    /// <summary>The stored type of both sides of a transfer.</summary>
    public static readonly EventType Transferred = new("ledger.transferred");

    // In LedgerCommandKind order (Open = 1 at index 0), so that a type's index is its kind minus 1.
    private static readonly CommandTypes s_commands = new(
        new CommandType("ledger.open", LedgerCommandParser.SchemaVersion),
        new CommandType("ledger.deposit", LedgerCommandParser.SchemaVersion),
        new CommandType("ledger.withdraw", LedgerCommandParser.SchemaVersion),
        new CommandType("ledger.transfer", LedgerCommandParser.SchemaVersion));

    /// <inheritdoc />
    public CommandTypes Commands => s_commands;

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
        LedgerEventKind.Deposited => Deposited,
        LedgerEventKind.Withdrawn => Withdrawn,
        _ => Transferred,
    });

    /// <inheritdoc />
    public void WritePayload(in LedgerEvent @event, IBufferWriter<byte> payload)
    {
        // Utf8JsonWriter allocates itself; the event store's writer reuses one through ThreadStatic below.
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
            if (LedgerCommandParser.TryParse((LedgerCommandKind)(typeIndex + 1), payload, ids, out LedgerCommand parsed, out AccountHints hints, out rejectReason))
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
