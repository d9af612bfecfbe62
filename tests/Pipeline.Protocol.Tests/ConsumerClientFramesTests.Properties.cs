using System;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Protocol.Tests;

// A seeded property test, as ClientFramesTests': whatever bytes arrive, the version 3 parsers answer true or false and
// never throw, and whatever they accept is exactly what FrameWriter writes for the fields they returned.
public sealed partial class ConsumerClientFramesTests
{
    private const int Seed = 20_261_207;

    [Theory]
    [MemberData(nameof(Kinds))]
    public void TryParse_RandomBodies_NeverThrowsAndAcceptsOnlyWhatFrameWriterWrites(FrameKind kind)
    {
        var random = new Random(Seed + (int)kind);
        const int Iterations = 20_000;
        int accepted = 0;

        for (int i = 0; i < Iterations; i++)
        {
            byte[] body = i % 2 == 0 ? RandomBody(random, random.Next(0, 64)) : Mutate(random, ValidBody(kind));
            byte[]? rewritten = ParseAndRewrite(kind, body);
            if (rewritten is not null)
            {
                accepted++;
                Assert.Equal(body, rewritten);
            }
        }

        Assert.InRange(accepted, 1, Iterations - 1);
    }

    private static byte[] RandomBody(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Mutate(Random random, byte[] valid)
    {
        byte[] body = (byte[])valid.Clone();
        int edits = random.Next(0, 4);
        for (int e = 0; e < edits && body.Length > 0; e++)
        {
            int at = random.Next(body.Length);
            switch (random.Next(4))
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
                default:
                    body[at] = (byte)random.Next(0, 12); // small values: plausible lengths, starts, filters and operations
                    break;
            }
        }

        return body;
    }

    private static byte[]? ParseAndRewrite(FrameKind kind, byte[] body)
    {
        byte[] frame;
        switch (kind)
        {
            case FrameKind.Subscribe:
                if (!ClientFrames.TryParseSubscribe(body, out SubscribeFrame s))
                {
                    return null;
                }

                (ulong id, SubscriptionStart start, ulong from, uint credits, EventFilterKind filter, ulong producer, byte[] key, byte[] consumer) =
                    (s.SubscriptionId, s.Start, s.From, s.Credits, s.FilterKind, s.ProducerId, s.Key.ToArray(), s.Consumer.ToArray());
                frame = FrameBytes.Build(w => FrameWriter.WriteSubscribe(w, id, start, from, credits, filter, producer, key, consumer));
                break;

            case FrameKind.Credit:
                if (!ClientFrames.TryParseCredit(body, out CreditFrame c))
                {
                    return null;
                }

                (ulong creditId, uint more) = (c.SubscriptionId, c.Credits);
                frame = FrameBytes.Build(w => FrameWriter.WriteCredit(w, creditId, more));
                break;

            case FrameKind.Unsubscribe:
                if (!ClientFrames.TryParseUnsubscribe(body, out UnsubscribeFrame u))
                {
                    return null;
                }

                ulong unsubscribeId = u.SubscriptionId;
                frame = FrameBytes.Build(w => FrameWriter.WriteUnsubscribe(w, unsubscribeId));
                break;

            case FrameKind.Fetch:
                if (!ClientFrames.TryParseFetch(body, out FetchFrame f))
                {
                    return null;
                }

                (ulong requestId, ulong fetchFrom, uint maxCount, uint maxBytes, uint maxWait, EventFilterKind fetchFilter, ulong fetchProducer, byte[] fetchKey) =
                    (f.RequestId, f.From, f.MaxCount, f.MaxBytes, f.MaxWaitMs, f.FilterKind, f.ProducerId, f.Key.ToArray());
                frame = FrameBytes.Build(w => FrameWriter.WriteFetch(w, requestId, fetchFrom, maxCount, maxBytes, maxWait, fetchFilter, fetchProducer, fetchKey));
                break;

            case FrameKind.Commit:
                if (!ClientFrames.TryParseCommit(body, out CommitFrame m))
                {
                    return null;
                }

                (ulong commitId, ulong position, byte[] name) = (m.RequestId, m.Position, m.Consumer.ToArray());
                frame = FrameBytes.Build(w => FrameWriter.WriteCommit(w, commitId, position, name));
                break;

            default:
                if (!ClientFrames.TryParseConsumerAdmin(body, out ConsumerAdminFrame a))
                {
                    return null;
                }

                (ulong adminId, ConsumerOperation operation, ulong adminPosition, byte[] adminName) = (a.RequestId, a.Operation, a.Position, a.Consumer.ToArray());
                frame = FrameBytes.Build(w => FrameWriter.WriteConsumerAdmin(w, adminId, operation, adminPosition, adminName));
                break;
        }

        return frame[FrameHeader.Size..];
    }
}
