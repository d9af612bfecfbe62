using System;
using System.Collections.Generic;
using System.Text;
using System.Threading.Tasks;
using Pipeline.Protocol;

namespace Pipeline.Client.Tests;

/// <summary>Records every callback of <see cref="IAckObserver"/>; <see cref="AllSeen"/> completes after the expected count.</summary>
/// <remarks>Thread-safe: the client calls it on its receive loop while the test waits.</remarks>
internal sealed class RecordingAckObserver(int expected) : IAckObserver
{
    private readonly object _gate = new();
    private readonly List<(long Token, int Index, ulong Sequence, AckStatus Status, string Detail)> _acks = [];
    private readonly List<(long Token, int Index, Exception Failure)> _failures = [];
    private readonly TaskCompletionSource _allSeen = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task AllSeen => _allSeen.Task;

    public List<(long Token, int Index, ulong Sequence, AckStatus Status, string Detail)> Acks()
    {
        lock (_gate)
        {
            return [.. _acks];
        }
    }

    public List<(long Token, int Index, Exception Failure)> Failures()
    {
        lock (_gate)
        {
            return [.. _failures];
        }
    }

    public void OnAck(long token, int index, ulong sequence, AckStatus status, ReadOnlySpan<byte> detail)
    {
        lock (_gate)
        {
            _acks.Add((token, index, sequence, status, Encoding.UTF8.GetString(detail)));
            CheckDone();
        }
    }

    public void OnFailed(long token, int index, Exception failure)
    {
        lock (_gate)
        {
            _failures.Add((token, index, failure));
            CheckDone();
        }
    }

    private void CheckDone()
    {
        if (_acks.Count + _failures.Count >= expected)
        {
            _allSeen.TrySetResult();
        }
    }
}
