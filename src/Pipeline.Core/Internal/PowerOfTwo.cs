using System.Numerics;

namespace Pipeline.Core.Internal;

internal static class PowerOfTwo
{
    public static bool IsPowerOfTwo(int value) => value > 0 && BitOperations.IsPow2(value);

    public static int Log2(int value) => BitOperations.Log2((uint)value);
}
