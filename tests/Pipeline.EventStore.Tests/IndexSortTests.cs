using System;
using System.Linq;
using Pipeline.EventStore.Internal;
using Xunit;

namespace Pipeline.EventStore.Tests;

public sealed class IndexSortTests
{
    // Entries come in position order, as a segment's records are indexed; keys from a domain of the given size.
    private static StreamEntry[] Streams(Random random, int count, int keyDomain, bool versionsGrow)
    {
        var next = new long[keyDomain];
        var entries = new StreamEntry[count];
        for (int i = 0; i < count; i++)
        {
            int stream = random.Next(keyDomain);
            ulong hash = keyDomain <= 4 ? (ulong)stream : ((ulong)stream * 0x9E3779B97F4A7C15UL) ^ (ulong)stream;
            long version = versionsGrow ? ++next[stream] : random.Next(1, 50);
            entries[i] = new StreamEntry(hash, version, 1000 + i, 64 + (i * 100L));
        }

        return entries;
    }

    [Theory]
    [InlineData(0, 10, true)]
    [InlineData(1, 10, true)]
    [InlineData(2, 1, true)]
    [InlineData(1000, 1, true)]
    [InlineData(1000, 3, true)]
    [InlineData(5000, 4, false)] // colliding streams: versions within one hash do not grow with position
    [InlineData(20000, 5000, true)]
    [InlineData(20000, 100000, false)]
    public void Sort_StreamEntries_GivesTheComparisonSortsOrder(int count, int keyDomain, bool versionsGrow)
    {
        for (int seed = 0; seed < 5; seed++)
        {
            StreamEntry[] entries = Streams(new Random(seed), count, keyDomain, versionsGrow);
            StreamEntry[] expected = entries.ToArray();
            Array.Sort(expected);

            IndexSort.Sort(entries.AsSpan(), new StreamEntry[count]);

            Assert.Equal(expected, entries);
        }
    }

    [Theory]
    [InlineData(1000, 1)]
    [InlineData(1000, 5)]
    [InlineData(50000, 8)]
    [InlineData(50000, 1_000_000)]
    public void Sort_KeyEntries_GivesTheComparisonSortsOrder(int count, int keyDomain)
    {
        var random = new Random(count + keyDomain);
        // Keys that differ only in their high bytes and keys that differ only in their low bytes.
        var entries = new KeyEntry[count];
        for (int i = 0; i < count; i++)
        {
            ulong key = (ulong)random.Next(keyDomain);
            entries[i] = new KeyEntry(i % 2 == 0 ? key : key << 56, i + 1, i * 80L);
        }

        KeyEntry[] expected = entries.ToArray();
        Array.Sort(expected);

        IndexSort.Sort(entries.AsSpan(), new KeyEntry[count + 7]);

        Assert.Equal(expected, entries);
    }

    [Fact]
    public void Sort_ScratchTooSmall_Throws()
    {
        var entries = new KeyEntry[] { new(2, 1, 0), new(1, 2, 0) };

        Assert.Throws<ArgumentException>(() => IndexSort.Sort(entries.AsSpan(), new KeyEntry[1]));
    }
}
