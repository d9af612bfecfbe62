using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Pipeline.Hosting.Engine;
using Pipeline.Hosting.Replay;
using Pipeline.Journal;
using Pipeline.Ledger;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Server.Tests.Streams;

/// <summary>
/// The ledger's flows through the engine's replay path: a state restored from a snapshot taken at any point, then
/// fed the rest of the journal, produces exactly the results (same positions, types, bytes) of an uninterrupted run.
/// </summary>
public sealed class FlowReplayTests : IDisposable
{
    private static readonly DateTimeOffset s_start = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private static readonly LedgerStreamOptions s_windows = new(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), 3);
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string JournalDirectory => _temp.Combine("journal");

    // Ledger commands at random gaps (bursts and idle periods of up to 8 s), with tick records in the idle periods
    // as the journaling producer writes them.
    private long CreateJournal(int seed, int count)
    {
        var random = new Random(seed);
        var workload = new LedgerWorkload(seed);
        var clock = new ManualTimeProvider(s_start);
        using (JournalWriter writer = JournalWriter.Open(TestJournalOptions.Small(JournalDirectory), logger: null, time: clock))
        {
            DateTimeOffset now = s_start;
            for (int i = 0; i < count; i++)
            {
                if (random.Next(20) == 0)
                {
                    // Idle: a tick per second of it.
                    int idle = random.Next(1, 8);
                    for (int t = 0; t < idle; t++)
                    {
                        now = now.AddSeconds(1);
                        clock.SetUtcNow(now);
                        writer.Append(EngineRecords.Tick, EngineRecords.TickSchemaVersion, 0, 0, ReadOnlySpan<byte>.Empty);
                    }
                }

                now = now.AddMilliseconds(random.Next(0, 40));
                clock.SetUtcNow(now);
                WorkloadCommand command = workload.Next();
                writer.Append(command.Type, 1, command.ProducerId, command.ProducerSequence, command.Payload);
            }

            writer.Commit();
            return writer.LastSequence;
        }
    }

    private void Feed(ApplicationReplay<LedgerApplication, LedgerState, DecodedLedgerCommand, LedgerEvent> replay, long from, long to)
    {
        using JournalCursor cursor = new JournalReader(JournalDirectory).ReadFrom(from, to);
        while (cursor.TryRead(out JournalRecord record))
        {
            replay.Apply(record);
        }
    }

    private static (ApplicationReplay<LedgerApplication, LedgerState, DecodedLedgerCommand, LedgerEvent> Replay, List<(long Position, string Type, byte[] Payload)> Outputs) NewReplay(LedgerApplication app, EngineState<LedgerState>? state = null)
    {
        var replay = new ApplicationReplay<LedgerApplication, LedgerState, DecodedLedgerCommand, LedgerEvent>(app, state ?? NewState(app));
        var outputs = new List<(long, string, byte[])>();
        replay.StreamOutputNumbered = (position, type, payload) => outputs.Add((position, type, payload));
        return (replay, outputs);
    }

    private static EngineState<LedgerState> NewState(LedgerApplication app) =>
        new(app.CreateState()) { Flows = new EngineStreams<LedgerEvent>(app.Streams) };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RestoredFromASnapshotAtRandomPoints_GivesTheUninterruptedRunsResults(int seed)
    {
        long last = CreateJournal(seed, count: 3000);
        var app = new LedgerApplication(s_windows);
        (var full, var expected) = NewReplay(app);
        Feed(full, 1, last);

        Assert.True(full.Ticks > 0, "the journal holds ticks");
        Assert.Contains(expected, o => o.Type == LedgerStreams.DepositStatsName);
        Assert.Contains(expected, o => o.Type == LedgerStreams.BusiestAccountsName);
        ulong fullDigest = full.State.ComputeDigest();

        var random = new Random(seed * 31);
        for (int trial = 0; trial < 6; trial++)
        {
            long cut = random.NextInt64(1, last);
            (var before, _) = NewReplay(app);
            Feed(before, 1, cut);

            long cutPosition = before.State.LastPosition;
            using var bytes = new MemoryStream();
            before.State.CaptureSnapshot().WriteTo(bytes);
            bytes.Position = 0;
            EngineState<LedgerState> restored = NewState(app);
            restored.RestoreSnapshot(bytes);
            (var after, var actual) = NewReplay(app, restored);
            Feed(after, cut + 1, last);

            var tail = expected.Where(o => o.Position > cutPosition).ToList();
            Assert.True(tail.Count == actual.Count, $"seed {seed}, cut after record {cut}: {actual.Count} results after the restore, {tail.Count} expected");
            for (int i = 0; i < tail.Count; i++)
            {
                Assert.Equal(tail[i].Position, actual[i].Position);
                Assert.Equal(tail[i].Type, actual[i].Type);
                Assert.True(tail[i].Payload.AsSpan().SequenceEqual(actual[i].Payload), $"seed {seed}, cut {cut}: result at {tail[i].Position} differs");
            }

            Assert.Equal(fullDigest, after.State.ComputeDigest());
        }
    }

    [Fact]
    public void SnapshotWithoutFlowState_IsRefusedWhenTheServiceRunsFlows()
    {
        var app = new LedgerApplication(s_windows);
        var withoutFlows = new EngineState<LedgerState>(app.CreateState());
        using var bytes = new MemoryStream();
        withoutFlows.CaptureSnapshot().WriteTo(bytes);
        bytes.Position = 0;
        InvalidDataException error = Assert.Throws<InvalidDataException>(() => NewState(app).RestoreSnapshot(bytes));
        Assert.Contains("without the stream-processing flows' state", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SnapshotWithFlowState_RestoresIntoAServiceWithFlowsOff()
    {
        var app = new LedgerApplication(s_windows);
        long last = CreateJournal(seed: 9, count: 300);
        (var replay, _) = NewReplay(app);
        Feed(replay, 1, last);

        using var bytes = new MemoryStream();
        replay.State.CaptureSnapshot().WriteTo(bytes);
        bytes.Position = 0;
        var off = new EngineState<LedgerState>(app.CreateState());
        off.RestoreSnapshot(bytes);
        Assert.Equal(replay.State.LastSequence, off.LastSequence);
        Assert.Equal(replay.State.Application.ComputeDigest(), off.Application.ComputeDigest());
    }
}
