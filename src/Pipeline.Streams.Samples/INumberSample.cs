namespace Pipeline.Streams.Samples;

// What the socket loop drives: one call per received line, and a tick while the input is idle.
internal interface INumberSample
{
    // True while some window holds numbers and waits for time to pass: only then is an idle tick useful.
    bool IsWaitingForTime { get; }

    void OnLine(string line);

    void OnIdle();
}
