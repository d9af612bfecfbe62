using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Pipeline.Schemas.Upcasting;
using Xunit;

namespace Pipeline.Schemas.Tests.Upcasting;

public sealed class UpcasterChainTests
{
    // order.placed: v1 -> v2 renames "ref" to "reference", v2 -> v3 adds "currency"; order.paid: v1 -> v2 as is.
    private static UpcasterChain Orders() => new(
        Upcast.AddMember("order.placed", 2, "currency", "\"EUR\""),
        Upcast.RenameMember("order.placed", 1, "ref", "reference"),
        Upcast.Identity("order.paid", 1));

    private static string Run(UpcasterChain chain, string type, ushort version, string payload, out ushort newest) =>
        Encoding.UTF8.GetString(chain.Upcast(type, version, Encoding.UTF8.GetBytes(payload), new UpcastBuffers(16), out newest));

    [Fact]
    public void Upcast_Version1_GoesThroughEveryStepToTheNewest()
    {
        string output = Run(Orders(), "order.placed", 1, "{\"ref\":\"r-1\",\"qty\":2}", out ushort newest);

        Assert.Equal(3, newest);
        Assert.Equal("{\"reference\":\"r-1\",\"qty\":2,\"currency\":\"EUR\"}", output);
    }

    [Fact]
    public void Upcast_Version2_RunsOnlyTheStepsAboveIt()
    {
        string output = Run(Orders(), "order.placed", 2, "{\"ref\":\"kept: v2 does not know it\",\"qty\":2}", out ushort newest);

        Assert.Equal(3, newest);
        Assert.Equal("{\"ref\":\"kept: v2 does not know it\",\"qty\":2,\"currency\":\"EUR\"}", output);
    }

    [Theory]
    [InlineData("order.placed", 3, 3)]
    [InlineData("order.placed", 9, 9)]
    [InlineData("order.paid", 2, 2)]
    [InlineData("order.shipped", 1, 1)]
    public void Upcast_NewestVersionUnknownTypeOrVersionAbove_ReturnsTheSameSpan(string type, ushort version, ushort expected)
    {
        byte[] payload = Encoding.UTF8.GetBytes("{\"ref\":1}");

        ReadOnlySpan<byte> output = Orders().Upcast(type, version, payload, new UpcastBuffers(), out ushort newest);

        Assert.Equal(expected, newest);
        Assert.True(output == payload.AsSpan(), "the payload itself, not a copy");
    }

    [Fact]
    public void Upcast_IdentityStep_ReturnsTheSameSpanAtTheNextVersion()
    {
        byte[] payload = Encoding.UTF8.GetBytes("{\"paid\":1}");

        ReadOnlySpan<byte> output = Orders().Upcast("order.paid", 1, payload, new UpcastBuffers(), out ushort newest);

        Assert.Equal(2, newest);
        Assert.True(output == payload.AsSpan());
    }

    [Fact]
    public void Upcast_VersionOlderThanTheFirstStep_ReturnsItUnchanged()
    {
        var chain = new UpcasterChain(Upcast.RemoveMember("t", 3, "a"));

        string output = Run(chain, "t", 2, "{\"a\":1}", out ushort newest);

        Assert.Equal(2, newest);
        Assert.Equal("{\"a\":1}", output);
    }

    [Fact]
    public void Upcast_ManyChangingSteps_PassEachOutputToTheNext()
    {
        // Every step changes the payload, so the two buffers alternate as reader and writer; a step that read the
        // buffer it writes would garble the result.
        var chain = new UpcasterChain(
            Upcast.RenameMember("t", 1, "a", "b"),
            Upcast.RenameMember("t", 2, "b", "c"),
            Upcast.Identity("t", 3),
            Upcast.AddMember("t", 4, "pad", "\"" + new string('x', 300) + "\""),
            Upcast.RenameMember("t", 5, "c", "d"),
            Upcast.RemoveMember("t", 6, "pad"));

        string output = Run(chain, "t", 1, "{\"a\":[1,{\"a\":2}],\"z\":0}", out ushort newest);

        Assert.Equal(7, newest);
        Assert.Equal("{\"d\":[1,{\"a\":2}],\"z\":0}", output);
    }

    [Theory]
    [InlineData("t", 1, 1)]
    [InlineData("t", 2, 4)]
    [InlineData("t", 3, 4)]
    [InlineData("t", 4, 4)]
    [InlineData("t", 5, 5)]
    [InlineData("other", 2, 2)]
    public void Newest_IsTheLastStepsTargetForVersionsTheStepsCover_ElseTheDeclaredOne(string type, ushort declared, ushort expected)
    {
        var chain = new UpcasterChain(Upcast.Identity("t", 2), Upcast.Identity("t", 3));

        Assert.Equal(expected, chain.Newest(type, declared));
    }

    [Fact]
    public void Construction_TwoStepsFromOneVersion_ThrowsNamingTypeAndVersion()
    {
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new UpcasterChain(
            Upcast.Identity("t", 1), Upcast.RemoveMember("t", 1, "a")));

        Assert.Contains("Two upcasters of 't' from version 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Construction_AGapBetweenSteps_ThrowsNamingTheMissingStep()
    {
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new UpcasterChain(
            Upcast.Identity("t", 1), Upcast.Identity("t", 3), Upcast.Identity("u", 1)));

        Assert.Contains("'t' leave a gap: a step from version 1 to 2, the next from version 3", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(ushort.MaxValue)]
    public void Construction_StepFromAVersionWithoutANext_Throws(ushort from)
    {
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new UpcasterChain(Upcast.Identity("t", from)));

        Assert.Contains($"from version {from} is out of range", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Construction_NullStep_Throws()
    {
        Assert.Throws<ArgumentException>(() => new UpcasterChain(Upcast.Identity("t", 1), null!));
    }

    [Fact]
    public void IndexOf_ByNameAndByUtf8Bytes_Agree()
    {
        UpcasterChain chain = Orders();

        Assert.Equal(["order.paid", "order.placed"], chain.Types);
        Assert.Equal(chain.IndexOf("order.placed"), chain.IndexOf("order.placed"u8));
        Assert.Equal(chain.IndexOf("order.paid"), chain.IndexOf("order.paid"u8));
        Assert.Equal(-1, chain.IndexOf("order"u8));
        Assert.Equal(-1, chain.IndexOf("order"));
        Assert.Empty(UpcasterChain.Empty.Types);
    }

    [Fact]
    public void UpcastToMemory_UnchangedIsTheSameMemory_ChangedIsANewArray()
    {
        UpcasterChain chain = Orders();
        ReadOnlyMemory<byte> newestPayload = Encoding.UTF8.GetBytes("{\"reference\":\"r\"}");
        ReadOnlyMemory<byte> oldPayload = Encoding.UTF8.GetBytes("{\"ref\":\"r\"}");

        ReadOnlyMemory<byte> same = chain.Upcast("order.placed", 3, newestPayload, out ushort sameVersion);
        ReadOnlyMemory<byte> changed = chain.Upcast("order.placed", 1, oldPayload, out ushort changedVersion);
        ReadOnlyMemory<byte> again = chain.Upcast("order.placed", 1, oldPayload, out _);

        Assert.Equal(3, sameVersion);
        Assert.True(MemoryMarshal.TryGetArray(newestPayload, out ArraySegment<byte> input) && MemoryMarshal.TryGetArray(same, out ArraySegment<byte> output) && input.Array == output.Array);
        Assert.Equal(3, changedVersion);
        Assert.Equal("{\"reference\":\"r\",\"currency\":\"EUR\"}", Encoding.UTF8.GetString(changed.Span));
        Assert.Equal("{\"reference\":\"r\",\"currency\":\"EUR\"}", Encoding.UTF8.GetString(again.Span)); // the first result was not overwritten
    }

    [Fact]
    public void Upcast_Repeated_GivesTheSameBytes()
    {
        byte[] payload = Encoding.UTF8.GetBytes("{ \"ref\" : \"caf\\u00e9\", \"n\" : 1.50e2 }");
        var scratch = new UpcastBuffers(4);

        byte[] first = Orders().Upcast("order.placed", 1, payload, scratch, out _).ToArray();
        byte[] second = Orders().Upcast("order.placed", 1, payload, scratch, out _).ToArray();
        byte[] third = Orders().Upcast("order.placed", 1, payload, new UpcastBuffers(), out _).ToArray();

        Assert.Equal(first, second);
        Assert.Equal(first, third);
        Assert.Equal("{\"reference\":\"caf\\u00e9\",\"n\":1.50e2,\"currency\":\"EUR\"}", Encoding.UTF8.GetString(first));
    }

    [Fact]
    public void Upcast_UnchangedPaths_AllocateNothing()
    {
        var chain = new UpcasterChain(Upcast.RemoveMember("deposit", 1, "reference"), Upcast.Identity("deposited", 1));
        byte[] deposit = Encoding.UTF8.GetBytes("{\"account\":\"alice-0001\",\"amount\":250,\"expectedVersion\":3}");
        var scratch = new UpcastBuffers();
        int depositIndex = chain.IndexOf("deposit"u8);
        long total = 0;
        Run(); // JIT and first-use costs out of the measurement

        long before = GC.GetAllocatedBytesForCurrentThread();
        Run();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(2 * 20_000 * 2L, total);

        void Run()
        {
            total = 0;
            for (int i = 0; i < 20_000; i++)
            {
                chain.Upcast(depositIndex, 1, deposit, scratch, out ushort a);
                chain.Upcast("deposited", 1, deposit, scratch, out ushort b);
                total += a + b;
            }
        }
    }

    [Fact]
    public void Upcast_ChangingMemberSteps_AllocateNothingOnceTheBuffersHaveGrown()
    {
        UpcasterChain chain = Orders();
        byte[] payload = Encoding.UTF8.GetBytes("{\"\\u0072ef\":\"r-1\",\"qty\":2,\"reference\":\"dropped\"}");
        var scratch = new UpcastBuffers();
        int index = chain.IndexOf("order.placed");
        int length = chain.Upcast(index, 1, payload, scratch, out _).Length;

        long before = GC.GetAllocatedBytesForCurrentThread();
        int total = 0;
        for (int i = 0; i < 10_000; i++)
        {
            total += chain.Upcast(index, 1, payload, scratch, out _).Length;
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(10_000 * length, total);
    }

    // A seeded stream of random objects: RemoveMember's result (or its "unchanged") must always be the object
    // without its top-level "reference" members, whichever spelling the name has, and every strict prefix of an
    // object (malformed) must read unchanged.
    [Fact]
    public void RemoveMember_RandomObjects_AgreesWithJsonDocument()
    {
        var random = new Random(18);
        var chain = new UpcasterChain(Upcast.RemoveMember("t", 1, "reference"));
        var scratch = new UpcastBuffers(8);
        int changed = 0;
        for (int n = 0; n < 3_000; n++)
        {
            string json = RandomObject(random, 0);
            byte[] payload = Encoding.UTF8.GetBytes(json);

            ReadOnlySpan<byte> output = chain.Upcast("t", 1, payload, scratch, out ushort newest);

            Assert.Equal(2, newest);
            List<(string Name, string Value)> expected = Members(payload).Where(m => m.Name != "reference").ToList();
            Assert.Equal(expected, Members(output.ToArray()));
            if (output != payload.AsSpan())
            {
                changed++;
            }
            else
            {
                Assert.Equal(expected.Count, Members(payload).Count);
            }

            int cut = random.Next(payload.Length);
            Assert.True(chain.Upcast("t", 1, payload.AsSpan(0, cut), scratch, out _) == payload.AsSpan(0, cut), json[..cut]);
        }

        Assert.InRange(changed, 300, 2_700); // both paths were exercised
    }

    private static List<(string Name, string Value)> Members(byte[] json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return [.. document.RootElement.EnumerateObject().Select(p => (p.Name, p.Value.GetRawText()))];
    }

    private static string RandomObject(Random random, int depth)
    {
        string[] names = ["reference", "\\u0072eference", "referenc\\u0065", "references", "ref", "account", "amount", "caf\u00e9"];
        var builder = new StringBuilder("{");
        int count = random.Next(depth == 0 ? 6 : 3);
        var used = new HashSet<string>();
        for (int i = 0; i < count; i++)
        {
            string name = names[random.Next(names.Length)];
            string plain = name.Replace("\\u0072", "r", StringComparison.Ordinal).Replace("\\u0065", "e", StringComparison.Ordinal);
            if (!used.Add(plain))
            {
                continue; // JsonDocument keeps repeated names, but a list comparison by name reads more simply without them
            }

            builder.Append(builder.Length > 1 ? "," : "").Append(random.Next(4) == 0 ? " " : "").Append('"').Append(name).Append("\":");
            builder.Append(random.Next(6) switch
            {
                0 => "\"reference\"",
                1 => random.Next(-1000, 1000).ToString(System.Globalization.CultureInfo.InvariantCulture),
                2 => "[1,\"x\\n\",null]",
                3 when depth < 2 => RandomObject(random, depth + 1),
                4 => "true",
                _ => "\"caf\\u00e9\"",
            });
        }

        return builder.Append('}').ToString();
    }
}
