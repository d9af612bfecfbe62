using System;
using System.Buffers;

namespace Pipeline.Streams;

/// <summary>The built-in serializers: <see cref="long"/>, <see cref="int"/>, <see cref="double"/>, <see cref="string"/> and <see cref="GlobalKey"/>.</summary>
public static class StateSerializers
{
    /// <summary>The built-in serializer of <typeparamref name="T"/>, or null when there is none.</summary>
    public static IStateSerializer<T>? For<T>()
    {
        object? serializer = typeof(T) == typeof(long) ? new Int64Serializer()
            : typeof(T) == typeof(int) ? new Int32Serializer()
            : typeof(T) == typeof(double) ? new DoubleSerializer()
            : typeof(T) == typeof(string) ? new StringSerializer()
            : typeof(T) == typeof(GlobalKey) ? new GlobalKeySerializer()
            : null;
        return serializer as IStateSerializer<T>;
    }

    private sealed class Int64Serializer : IStateSerializer<long>
    {
        public void Write(IBufferWriter<byte> output, in long value) => StateBinary.WriteInt64(output, value);

        public long Read(ref ReadOnlySpan<byte> input) => StateBinary.ReadInt64(ref input);
    }

    private sealed class Int32Serializer : IStateSerializer<int>
    {
        public void Write(IBufferWriter<byte> output, in int value) => StateBinary.WriteInt32(output, value);

        public int Read(ref ReadOnlySpan<byte> input) => StateBinary.ReadInt32(ref input);
    }

    private sealed class DoubleSerializer : IStateSerializer<double>
    {
        public void Write(IBufferWriter<byte> output, in double value) => StateBinary.WriteDouble(output, value);

        public double Read(ref ReadOnlySpan<byte> input) => StateBinary.ReadDouble(ref input);
    }

    private sealed class StringSerializer : IStateSerializer<string>
    {
        public void Write(IBufferWriter<byte> output, in string value) => StateBinary.WriteString(output, value);

        // Keys are never null (a dictionary refuses them), so a null here is a corrupt snapshot.
        public string Read(ref ReadOnlySpan<byte> input) =>
            StateBinary.ReadString(ref input) ?? throw new System.IO.InvalidDataException("a string key cannot be null");
    }

    private sealed class GlobalKeySerializer : IStateSerializer<GlobalKey>
    {
        public void Write(IBufferWriter<byte> output, in GlobalKey value)
        {
        }

        public GlobalKey Read(ref ReadOnlySpan<byte> input) => default;
    }
}
