using System;
using System.IO;

namespace Pipeline.Streams;

internal static class ThrowHelper
{
    public static NotSupportedException NoSerializer(Type type) =>
        new($"no state serializer for {type}: pass an IStateSerializer<{type.Name}> when building the flow");

    public static InvalidDataException BadSnapshot(string rule) => new(rule);
}
