using System;
using System.Buffers;
using System.Text;
using Xunit;

namespace Pipeline.Ledger.Tests;

public sealed class LedgerEventPayloadTests
{
    private static string Plain(LedgerEvent e)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Assert.True(PlainJson.TryWrite(e, buffer));
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string Writer(LedgerEvent e)
    {
        var buffer = new ArrayBufferWriter<byte>();
        LedgerApplication.WriteWithJsonWriter(e, buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void PlainJson_RandomEventsWithPlainIds_WritesTheSameBytesAsUtf8JsonWriter()
    {
        // Stored payloads are compared byte for byte by replay --verify: the fast path must never differ.
        var random = new Random(1234);
        const string Alphabet = "abcXYZ019-_.:@/";
        string Id() => new(Array.ConvertAll(new char[random.Next(1, 65)], _ => Alphabet[random.Next(Alphabet.Length)]));
        long Number() => random.Next(4) switch { 0 => 0, 1 => long.MaxValue, 2 => LedgerCommand.MaxAmount, _ => random.NextInt64(0, long.MaxValue) };
        for (int i = 0; i < 2_000; i++)
        {
            var kind = (LedgerEventKind)random.Next(1, 6);
            string account = Id();
            LedgerEvent e = kind is LedgerEventKind.TransferredOut or LedgerEventKind.TransferredIn
                ? new LedgerEvent(kind, account, "account-" + account, Number(), Number(), 2, Id(), Id())
                : new LedgerEvent(kind, account, "account-" + account, Number(), Number(), 2);

            Assert.Equal(Writer(e), Plain(e));
        }
    }

    [Theory]
    [InlineData("a\"b")]
    [InlineData("a\\b")]
    [InlineData("a<b")]
    [InlineData("a+b")]
    [InlineData("a'b")]
    [InlineData("ü")]
    [InlineData("😀")]
    [InlineData("a b")]
    public void WritePayload_IdTheWriterEscapes_FallsBackToTheWriter(string account)
    {
        var e = new LedgerEvent(LedgerEventKind.Deposited, account, "account-" + account, 5, 5, 2);

        Assert.False(PlainJson.TryWrite(e, new ArrayBufferWriter<byte>()));
        var buffer = new ArrayBufferWriter<byte>();
        new LedgerApplication().WritePayload(e, buffer);
        Assert.Equal(Writer(e), Encoding.UTF8.GetString(buffer.WrittenSpan));
    }
}
