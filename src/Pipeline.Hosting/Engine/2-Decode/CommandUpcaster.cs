using System;
using System.Linq;
using Pipeline.Application;
using Pipeline.Schemas.Upcasting;

namespace Pipeline.Hosting.Engine;

/// <summary>
/// Reads a command's payload as the newest version of its type through the application's
/// <see cref="IUpcastingApplication.Upcasters"/>, before the decoder sees it: one per decode handler (it owns its
/// scratch buffers), used by the live decode stage (which also decodes the journal's replay) and by
/// <see cref="Replay.ApplicationReplay{TApp, TState, TCommand, TEvent}"/>.
/// </summary>
internal sealed class CommandUpcaster
{
    private readonly UpcasterChain _chain;
    private readonly int[] _chainIndexes; // by command type index: the type's index in the chain, -1 without steps
    private readonly UpcastBuffers _scratch = new();

    private CommandUpcaster(UpcasterChain chain, int[] chainIndexes)
    {
        _chain = chain;
        _chainIndexes = chainIndexes;
    }

    /// <summary>The upcaster of <paramref name="app"/>'s commands, or null when it has no steps for any of them.</summary>
    /// <exception cref="InvalidOperationException">A command type's steps lead to a version the type does not accept.</exception>
    public static CommandUpcaster? Create(CommandTypes types, object? app)
    {
        ArgumentNullException.ThrowIfNull(types);
        if (app is not IUpcastingApplication upcasting)
        {
            return null;
        }

        UpcasterChain chain = upcasting.Upcasters ?? throw new InvalidOperationException("IUpcastingApplication.Upcasters is null; return UpcasterChain.Empty for none.");
        int[] indexes = new int[types.Count];
        for (int i = 0; i < types.Count; i++)
        {
            CommandType type = types[i];
            indexes[i] = chain.IndexOf(type.Utf8Name);
            foreach (ushort version in type.SchemaVersions)
            {
                ushort newest = chain.Newest(indexes[i], version);
                if (!type.Accepts(newest))
                {
                    // The decoder would be handed a version it never declared.
                    throw new InvalidOperationException($"The upcasters of '{type.Name}' read version {version} as version {newest}, which the command type does not accept (accepted: {type.Supported}).");
                }
            }
        }

        return indexes.Any(i => i >= 0) ? new CommandUpcaster(chain, indexes) : null;
    }

    /// <summary>The payload of the command type at <paramref name="typeIndex"/> as its newest version; <paramref name="version"/> becomes that version.</summary>
    /// <remarks>The result may point into this upcaster's buffers until its next call; nothing is allocated once they have grown.</remarks>
    public ReadOnlySpan<byte> Upcast(int typeIndex, ref ushort version, ReadOnlySpan<byte> payload) =>
        _chain.Upcast(_chainIndexes[typeIndex], version, payload, _scratch, out version);
}
