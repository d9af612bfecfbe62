using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Pipeline.Schemas.Upcasting;

/// <summary>
/// The version steps of an application's types: reads a payload of any known version as the newest one by applying
/// the steps from its version up, one version at a time. Payloads are never changed in place (stored events are
/// never rewritten); the result is a new span, or the same one when no step changes anything.
/// </summary>
/// <remarks>
/// Immutable and thread-safe once built; the scratch given to an upcast is the caller's, one per thread. A type
/// without steps, and a version outside a type's steps (older than its first step or at or above its newest),
/// come back unchanged: the decoder judges them as it would without a chain.
/// </remarks>
public sealed class UpcasterChain
{
    [ThreadStatic]
    private static UpcastBuffers? t_scratch;

    private readonly string[] _types;
    private readonly byte[][] _utf8Types;
    private readonly Dictionary<string, int> _indexes;
    private readonly ushort[] _firstVersions;
    private readonly IUpcaster[][] _steps;

    /// <summary>A chain of <paramref name="steps"/>, in any order.</summary>
    /// <exception cref="ArgumentException">
    /// A type has two steps from the same version, its steps leave a version out (each type's steps must run
    /// contiguously from its oldest version to its newest), or a step starts at version 0 or 65535.
    /// </exception>
    public UpcasterChain(params IEnumerable<IUpcaster> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        IUpcaster[] all = [.. steps];
        if (all.Any(s => s is null))
        {
            throw new ArgumentException("An upcaster in the chain is null.", nameof(steps));
        }

        IGrouping<string, IUpcaster>[] byType = [.. all.GroupBy(s => s.Type, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)];
        _types = new string[byType.Length];
        _utf8Types = new byte[byType.Length][];
        _firstVersions = new ushort[byType.Length];
        _steps = new IUpcaster[byType.Length][];
        _indexes = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < byType.Length; i++)
        {
            string type = byType[i].Key;
            IUpcaster[] ordered = [.. byType[i].OrderBy(s => s.FromVersion)];
            Check(type, ordered);
            _types[i] = type;
            _utf8Types[i] = Encoding.UTF8.GetBytes(type);
            _firstVersions[i] = ordered[0].FromVersion;
            _steps[i] = ordered;
            _indexes.Add(type, i);
        }
    }

    /// <summary>A chain without steps: every payload reads as it is.</summary>
    public static UpcasterChain Empty { get; } = new();

    /// <summary>The types that have steps, in ordinal order; a type's position is its index.</summary>
    public IReadOnlyList<string> Types => _types;

    /// <summary>The index of <paramref name="type"/> for the upcasts by index, or -1 when it has no steps.</summary>
    public int IndexOf(string type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return _indexes.TryGetValue(type, out int index) ? index : -1;
    }

    /// <summary>The index of the type named by <paramref name="utf8Type"/>, or -1 when it has no steps.</summary>
    /// <remarks>Allocation-free; a scan of the (few) types with steps.</remarks>
    public int IndexOf(ReadOnlySpan<byte> utf8Type)
    {
        for (int i = 0; i < _utf8Types.Length; i++)
        {
            if (utf8Type.SequenceEqual(_utf8Types[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The version a payload of <paramref name="type"/> declared as <paramref name="declared"/> reads as after the chain.</summary>
    public ushort Newest(string type, ushort declared) => Newest(IndexOf(type), declared);

    /// <summary>As <see cref="Newest(string, ushort)"/>, by the index from <see cref="IndexOf(string)"/> (-1: no steps).</summary>
    public ushort Newest(int typeIndex, ushort declared)
    {
        if (typeIndex < 0)
        {
            return declared;
        }

        ushort first = _firstVersions[typeIndex];
        int newest = first + _steps[typeIndex].Length;
        return declared >= first && declared < newest ? (ushort)newest : declared;
    }

    /// <summary>
    /// Reads <paramref name="payload"/>, declared as <paramref name="version"/> of the type at
    /// <paramref name="typeIndex"/>, as the newest version: returns that version's payload and its version in
    /// <paramref name="newest"/>.
    /// </summary>
    /// <param name="typeIndex">From <see cref="IndexOf(string)"/>; -1 (no steps) returns the payload as it is.</param>
    /// <param name="version">The payload's declared version.</param>
    /// <param name="payload">The payload; never changed.</param>
    /// <param name="scratch">The calling thread's buffers; the result may point into them until their next use.</param>
    /// <param name="newest">The version of the returned payload.</param>
    /// <remarks>Allocates nothing when no step changes the payload, nor, once the buffers have grown, when steps do (unless a <see cref="Upcast.Custom"/> step runs).</remarks>
    public ReadOnlySpan<byte> Upcast(int typeIndex, ushort version, ReadOnlySpan<byte> payload, UpcastBuffers scratch, out ushort newest)
    {
        ArgumentNullException.ThrowIfNull(scratch);
        newest = Newest(typeIndex, version);
        if (newest == version)
        {
            return payload;
        }

        IUpcaster[] steps = _steps[typeIndex];
        int current = 0;
        for (int i = version - _firstVersions[typeIndex]; i < steps.Length; i++)
        {
            ArrayBufferWriter<byte> target = scratch.Target(current);
            if (steps[i].TryUpcast(payload, target))
            {
                payload = target.WrittenSpan;
                current = UpcastBuffers.Next(current);
            }
        }

        return payload;
    }

    /// <summary>As <see cref="Upcast(int, ushort, ReadOnlySpan{byte}, UpcastBuffers, out ushort)"/>, by type name.</summary>
    public ReadOnlySpan<byte> Upcast(string type, ushort version, ReadOnlySpan<byte> payload, UpcastBuffers scratch, out ushort newest) =>
        Upcast(IndexOf(type), version, payload, scratch, out newest);

    /// <summary>
    /// Reads <paramref name="payload"/> as the newest version of <paramref name="type"/>, for readers that keep the
    /// result: the same memory when nothing changes, otherwise a new array.
    /// </summary>
    /// <remarks>Uses a scratch of the calling thread's own; allocates only the changed payload.</remarks>
    public ReadOnlyMemory<byte> Upcast(string type, ushort version, ReadOnlyMemory<byte> payload, out ushort newest)
    {
        int index = IndexOf(type);
        if (Newest(index, version) == version)
        {
            newest = version;
            return payload;
        }

        ReadOnlySpan<byte> result = Upcast(index, version, payload.Span, t_scratch ??= new UpcastBuffers(), out newest);
        return result == payload.Span ? payload : result.ToArray();
    }

    private static void Check(string type, IUpcaster[] steps)
    {
        for (int i = 0; i < steps.Length; i++)
        {
            ushort from = steps[i].FromVersion;
            if (from is 0 or ushort.MaxValue)
            {
                throw new ArgumentException($"The upcaster of '{type}' from version {from} is out of range: versions start at 1, and a step needs a next version (at most {ushort.MaxValue}).", nameof(steps));
            }

            if (i == 0)
            {
                continue;
            }

            ushort previous = steps[i - 1].FromVersion;
            if (from == previous)
            {
                throw new ArgumentException($"Two upcasters of '{type}' from version {from}: each version step has exactly one.", nameof(steps));
            }

            if (from != previous + 1)
            {
                throw new ArgumentException(
                    $"The upcasters of '{type}' leave a gap: a step from version {previous} to {previous + 1}, the next from version {from}. Each version up to the newest needs its step (Upcast.Identity for a version that reads the previous one as it is).",
                    nameof(steps));
            }
        }
    }
}
