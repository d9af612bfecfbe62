using System;
using System.Net;
using Pipeline.Protocol;

namespace Pipeline.Ingest;

/// <summary>The TCP ingest port's settings.</summary>
public sealed class IngestOptions
{
    /// <summary>The address to listen on.</summary>
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    /// <summary>The port (0 = any free port; the bound one is in <see cref="IngestListener.Port"/>).</summary>
    public int Port { get; init; } = 7400;

    /// <summary>The largest frame length field accepted (kind + body).</summary>
    public int MaxFrameLength { get; init; } = 1024 * 1024;

    /// <summary>Connections beyond this are refused with TOO_MANY_CONNECTIONS.</summary>
    public int MaxConnections { get; init; } = 4096;

    /// <summary>A connection stops reading while this many of its PUBLISH frames await their ACK.</summary>
    public int MaxInFlightPerConnection { get; init; } = 8192;

    /// <summary>A connection stops reading while this many bytes wait to be sent to it (a client that does not read).</summary>
    public int OutputHighWatermarkBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>The highest protocol version HELLO may name: 1 (the base protocol) or 2 (adds READ; docs/protocol.md).</summary>
    /// <remarks>
    /// 1 by default, so a host that does not serve reads yet keeps speaking exactly version 1 (and refuses a HELLO of
    /// version 2 as before); a host that serves reads sets <see cref="FrameHeader.MaxProtocolVersion"/>.
    /// </remarks>
    public ushort MaxProtocolVersion { get; init; } = FrameHeader.ProtocolVersion;

    /// <summary>A connection stops reading while this many of its READ requests await their READ_END.</summary>
    public int MaxReadsInFlightPerConnection { get; init; } = 4;

    /// <summary>How long a closing connection waits for its last ACKs to be sent.</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad option.</summary>
    public void Validate()
    {
        if (Port is < 0 or > 65535)
        {
            throw new ArgumentException("Port must be from 0 to 65535.", nameof(Port));
        }

        if (MaxFrameLength < 64)
        {
            throw new ArgumentException("MaxFrameLength must be at least 64 bytes.", nameof(MaxFrameLength));
        }

        if (MaxConnections < 1)
        {
            throw new ArgumentException("MaxConnections must be at least 1.", nameof(MaxConnections));
        }

        if (MaxInFlightPerConnection < 1)
        {
            throw new ArgumentException("MaxInFlightPerConnection must be at least 1.", nameof(MaxInFlightPerConnection));
        }

        if (MaxProtocolVersion is < FrameHeader.ProtocolVersion or > FrameHeader.MaxProtocolVersion)
        {
            throw new ArgumentException($"MaxProtocolVersion must be from {FrameHeader.ProtocolVersion} to {FrameHeader.MaxProtocolVersion}.", nameof(MaxProtocolVersion));
        }

        if (MaxReadsInFlightPerConnection < 1)
        {
            throw new ArgumentException("MaxReadsInFlightPerConnection must be at least 1.", nameof(MaxReadsInFlightPerConnection));
        }

        if (OutputHighWatermarkBytes < 4096)
        {
            throw new ArgumentException("OutputHighWatermarkBytes must be at least 4096.", nameof(OutputHighWatermarkBytes));
        }
    }
}
