namespace Pipeline.EventStore.Internal;

/// <summary>The 64-bit hash under which stream ids and types are indexed; its id is written in every index file.</summary>
internal enum IndexKeyHash : byte
{
    /// <summary>FNV-1a 64 (offset basis 0xCBF29CE484222325, prime 0x100000001B3) of the UTF-8 bytes.</summary>
    Fnv1a64 = 1,

    /// <summary>Tests only: FNV-1a 64 keeping its low 2 bits, so that different keys collide.</summary>
    CollidingForTests = 250,
}
