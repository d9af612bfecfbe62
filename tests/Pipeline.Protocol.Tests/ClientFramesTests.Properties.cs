using System;
using System.Globalization;
using System.Text;
using Pipeline.Protocol;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Protocol.Tests;

// A seeded property test: whatever bytes arrive, the parsers answer true or false and never throw, and whatever
// they accept is exactly what FrameWriter writes for the fields they returned (nothing skipped, nothing invented).
public sealed partial class ClientFramesTests
{
    private const int Seed = 20_250_611;

    // PIPELINE_STRESS_SCALE=20 turns the default run (seconds) into a longer soak (STYLE.md section 6).
    private static int Iterations(int baseCount)
    {
        string? value = Environment.GetEnvironmentVariable("PIPELINE_STRESS_SCALE");
        double factor = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double f) && f > 0 ? f : 1.0;
        return (int)Math.Max(1, Math.Min(int.MaxValue, baseCount * factor));
    }

    [Theory]
    [MemberData(nameof(ClientKinds))]
    public void TryParse_RandomBodies_NeverThrowsAndAcceptsOnlyWhatFrameWriterWrites(FrameKind kind)
    {
        var random = new Random(Seed + (int)kind);
        int iterations = Iterations(20_000);
        int accepted = 0;

        for (int i = 0; i < iterations; i++)
        {
            byte[] body = i % 2 == 0 ? RandomBytes(random, random.Next(0, 48)) : Mutate(random, ValidBody(kind));
            byte[]? rewritten = ParseAndRewrite(kind, body);
            if (rewritten is not null)
            {
                accepted++;
                Assert.Equal(body, rewritten);
            }
        }

        // The mutations keep some bodies valid, so the accepting branch ran too.
        Assert.InRange(accepted, 1, iterations - 1);
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    // One to three edits of a valid body: flip a bit, cut, insert a byte, change a byte, or set a length-like field to a random value.
    private static byte[] Mutate(Random random, byte[] valid)
    {
        byte[] body = (byte[])valid.Clone();
        int edits = random.Next(0, 4);
        for (int e = 0; e < edits && body.Length > 0; e++)
        {
            int at = random.Next(body.Length);
            switch (random.Next(5))
            {
                case 0:
                    body[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    body = body[..at];
                    break;
                case 2:
                    body = [.. body[..at], (byte)random.Next(256), .. body[at..]];
                    break;
                case 3:
                    body[at] = (byte)random.Next(256);
                    break;
                default:
                    body[at] = (byte)random.Next(0, 24); // small values make plausible string and payload lengths
                    break;
            }
        }

        return body;
    }

    // Parses; if accepted, writes the parsed fields back with FrameWriter and returns that body, else null.
    private static byte[]? ParseAndRewrite(FrameKind kind, byte[] body)
    {
        byte[] frame;
        switch (kind)
        {
            case FrameKind.Hello:
                if (!ClientFrames.TryParseHello(body, out HelloFrame hello))
                {
                    return null;
                }

                (ushort version, ulong producerId, string name) = (hello.Version, hello.ProducerId, Encoding.UTF8.GetString(hello.ClientName));
                frame = FrameBytes.Build(w => FrameWriter.WriteHello(w, version, producerId, name));
                break;

            case FrameKind.Publish:
                if (!ClientFrames.TryParsePublish(body, out PublishFrame publish))
                {
                    return null;
                }

                (ulong producerSequence, byte[] type, ushort schemaVersion, byte[] payload) = (publish.ProducerSequence, publish.Type.ToArray(), publish.SchemaVersion, publish.Payload.ToArray());
                frame = FrameBytes.Build(w => FrameWriter.WritePublish(w, producerSequence, type, schemaVersion, payload));
                break;

            case FrameKind.Query:
                if (!ClientFrames.TryParseQuery(body, out QueryFrame query))
                {
                    return null;
                }

                (ulong requestId, string queryName, ulong minSequence, string args) = (query.RequestId, Encoding.UTF8.GetString(query.Name), query.MinSequence, Encoding.UTF8.GetString(query.Args));
                frame = FrameBytes.Build(w => FrameWriter.WriteQuery(w, requestId, queryName, minSequence, args));
                break;

            default:
                if (!ClientFrames.TryParsePing(body, out ulong nonce))
                {
                    return null;
                }

                frame = FrameBytes.Ping(nonce);
                break;
        }

        return frame[FrameHeader.Size..];
    }
}
