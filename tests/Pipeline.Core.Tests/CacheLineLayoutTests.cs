using System;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Pipeline.Core.Internal;
using Pipeline.Core.Sequencing;
using Pipeline.Core.Waiting;
using Xunit;

namespace Pipeline.Core.Tests;

/// <summary>
/// Every padded type keeps its hot fields at least <see cref="CacheLine.PaddingBytes"/> away from anything another
/// object or field could put next to them. Offsets are measured on the running CLR where it is feasible (raw object
/// data, allocation sizes), and read from the declared layout otherwise.
/// </summary>
public sealed class CacheLineLayoutTests
{
    private const int Padding = CacheLine.PaddingBytes;

    [Fact]
    public void PaddingBytes_IsTwoCacheLinesOf64Bytes()
    {
        Assert.Equal(128, Padding);
    }

    [Fact]
    public void Sequence_ValueHasPaddingBeforeItInTheRunningObject()
    {
        var sequence = new Sequence(0x0123_4567_89AB_CDEF);

        long offset = FieldOffsetInObject(sequence, ref ValueField(sequence));
        long valueAtOffset = Unsafe.ReadUnaligned<long>(ref Unsafe.Add(ref RawData(sequence), (nint)offset));

        Assert.True(offset >= Padding, $"_value at offset {offset}");
        Assert.Equal(0x0123_4567_89AB_CDEF, valueAtOffset);
    }

    [Fact]
    public void Sequence_ObjectExtendsPaddingBeyondTheValue()
    {
        var probe = new Sequence();
        long offset = FieldOffsetInObject(probe, ref ValueField(probe));
        StructLayoutAttribute layout = typeof(Sequence).StructLayoutAttribute!;

        // Measured, not declared: the CLR honours StructLayout.Size only for structs, not for classes.
        long allocatedPerObject = AllocatedBytesPerObject(static () => new Sequence());
        long allocatedPerBox = AllocatedBytesPerObject(static () => new StrongBox<long>());
        // An allocation holds the object header and method table pointer (two pointers) before the field data.
        long dataBytes = allocatedPerObject - (2 * IntPtr.Size);

        Assert.Equal((2 * IntPtr.Size) + sizeof(long), allocatedPerBox);
        Assert.Equal(LayoutKind.Explicit, layout.Value);
        Assert.True(layout.Size - (offset + sizeof(long)) >= Padding, $"declared size {layout.Size}, value at {offset}");
        Assert.True(dataBytes - (offset + sizeof(long)) >= Padding, $"the runtime allocates {allocatedPerObject} bytes per Sequence");
    }

    [Fact]
    public void SingleProducerSequencer_ProducerFieldsArePaddedOnBothSides()
    {
        Type fields = typeof(SingleProducerSequencer).GetNestedType("ProducerFields", BindingFlags.NonPublic)!;
        int size = RuntimeHelpers.SizeOf(fields.TypeHandle);
        long next = Marshal.OffsetOf(fields, "Next");
        long cachedGate = Marshal.OffsetOf(fields, "CachedGate");

        long lowest = Math.Min(next, cachedGate);
        long endOfHighest = Math.Max(next, cachedGate) + sizeof(long);

        Assert.NotNull(fields.StructLayoutAttribute);
        Assert.Equal(LayoutKind.Explicit, fields.StructLayoutAttribute!.Value);
        Assert.True(lowest >= Padding, $"first hot field at {lowest}");
        Assert.True(size - endOfHighest >= Padding, $"size {size}, hot fields end at {endOfHighest}");
        Assert.Equal(sizeof(long), Math.Abs(next - cachedGate));
    }

    [Theory]
    [InlineData("Next")]
    [InlineData("CachedGate")]
    public void SingleProducerSequencer_ProducerFieldsSitAtTheirDeclaredOffsetsAtRunTime(string fieldName)
    {
        Type fields = typeof(SingleProducerSequencer).GetNestedType("ProducerFields", BindingFlags.NonPublic)!;
        FieldInfo field = fields.GetField(fieldName)!;
        int declared = field.GetCustomAttribute<FieldOffsetAttribute>()!.Value;
        object boxed = Activator.CreateInstance(fields)!;

        field.SetValue(boxed, 0x0BAD_F00D_CAFE_BEEFL);
        long atDeclaredOffset = Unsafe.ReadUnaligned<long>(ref Unsafe.Add(ref RawData(boxed), declared));

        Assert.Equal(0x0BAD_F00D_CAFE_BEEFL, atDeclaredOffset);
        Assert.Equal(declared, (int)Marshal.OffsetOf(fields, fieldName));
    }

    [Fact]
    public void SingleProducerSequencer_HotFieldsLiveInThePaddedStruct()
    {
        FieldInfo producerFields = typeof(SingleProducerSequencer).GetField("_fields", BindingFlags.NonPublic | BindingFlags.Instance)!;
        FieldInfo cursor = typeof(SingleProducerSequencer).GetField("_cursor", BindingFlags.NonPublic | BindingFlags.Instance)!;

        Assert.Equal("ProducerFields", producerFields.FieldType.Name);
        Assert.Equal(typeof(Sequence), cursor.FieldType);
        Assert.Empty(Array.FindAll(
            typeof(SingleProducerSequencer).GetFields(BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.DeclaredOnly),
            f => f.FieldType == typeof(long)));
    }

    [Fact]
    public void MultiProducerSequencer_SharedCountersArePaddedSequences()
    {
        Type type = typeof(MultiProducerSequencer);
        const BindingFlags instance = BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.DeclaredOnly;

        Type cursor = type.GetField("_cursor", instance)!.FieldType;
        Type gatingCache = type.GetField("_gatingCache", instance)!.FieldType;
        FieldInfo[] rawLongs = Array.FindAll(type.GetFields(instance), f => f.FieldType == typeof(long));

        Assert.Equal(typeof(Sequence), cursor);
        Assert.Equal(typeof(Sequence), gatingCache);
        Assert.Empty(rawLongs);
    }

    [Fact]
    public void RingBuffer_ReferenceEntriesArePaddedAtBothEndsOfTheArray()
    {
        RingBuffer<TestEvent> ring = RingBuffer<TestEvent>.CreateSingleProducer(8, new BlockingWaitStrategy(), () => new TestEvent());

        (TestEvent[] entries, int padding) = RingInternals(ring);

        Assert.True(padding * IntPtr.Size >= Padding, $"{padding} entries of padding");
        Assert.Equal(8 + (2 * padding), entries.Length);
        Assert.Same(entries[padding], ring[0]);
        Assert.Same(entries[padding + 7], ring[7]);
        Assert.All(entries[..padding], Assert.Null);
        Assert.All(entries[(padding + 8)..], Assert.Null);
    }

    [Fact]
    public void RingBuffer_ValueEntriesArePaddedAtBothEndsOfTheArray()
    {
        RingBuffer<TestSlot> ring = RingBuffer<TestSlot>.CreateSingleProducer(8, new BlockingWaitStrategy());

        (TestSlot[] entries, int padding) = RingInternals(ring);

        Assert.True(padding * Unsafe.SizeOf<TestSlot>() >= Padding, $"{padding} entries of padding");
        Assert.Equal(8 + (2 * padding), entries.Length);
        Assert.True(Unsafe.AreSame(ref entries[padding], ref ring[0]));
        Assert.True(Unsafe.AreSame(ref entries[padding + 7], ref ring[7]));
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_value")]
    private static extern ref long ValueField(Sequence sequence);

    // The first byte of an object's field data (what follows the method table pointer); StrongBox<byte> has exactly
    // one field, so its address is the start of the data of any object reinterpreted as one.
    private static ref byte RawData(object obj) => ref Unsafe.As<StrongBox<byte>>(obj).Value;

    private static long FieldOffsetInObject(object obj, ref long field) =>
        (long)Unsafe.ByteOffset(ref RawData(obj), ref Unsafe.As<long, byte>(ref field));

    private static long AllocatedBytesPerObject(Func<object> allocate)
    {
        const int count = 64;
        var keep = new object[count];
        allocate();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < count; i++)
        {
            keep[i] = allocate();
        }

        long after = GC.GetAllocatedBytesForCurrentThread();
        GC.KeepAlive(keep);
        return (after - before) / count;
    }

    private static (T[] Entries, int Padding) RingInternals<T>(RingBuffer<T> ring)
    {
        const BindingFlags instance = BindingFlags.NonPublic | BindingFlags.Instance;
        var entries = (T[])typeof(RingBuffer<T>).GetField("_entries", instance)!.GetValue(ring)!;
        int padding = (int)typeof(RingBuffer<T>).GetField("_padding", instance)!.GetValue(ring)!;
        return (entries, padding);
    }
}
