using System;

namespace Pipeline.EventStore.Internal;

/// <summary>Computes the keys of <see cref="IndexKeyHash"/>.</summary>
internal static class IndexKeyHashing
{
    private const ulong OffsetBasis = 0xCBF29CE484222325;
    private const ulong Prime = 0x100000001B3;

    public static ulong Hash(IndexKeyHash kind, ReadOnlySpan<byte> key)
    {
        ulong hash = OffsetBasis;
        for (int i = 0; i < key.Length; i++)
        {
            hash = (hash ^ key[i]) * Prime;
        }

        return kind == IndexKeyHash.CollidingForTests ? hash & 0x3 : hash;
    }
}
