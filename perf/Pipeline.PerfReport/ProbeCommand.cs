using System;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using Pipeline.Perf;

namespace Pipeline.PerfReport;

/// <summary>The <c>probe</c> verb: machine description, handoff probe and disk-flush probe, written as probes.json.</summary>
internal static class ProbeCommand
{
    public static ProbeReport Run(string directory, int diskSamples, TimeSpan handoffTime, TimeSpan stallWatch, string? commit)
    {
        HandoffResult handoff = HandoffProbe.Measure(handoffTime);
        DiskSyncResult disk = DiskSyncProbe.Measure(directory, diskSamples);
        if (stallWatch > TimeSpan.Zero)
        {
            disk.StallWatch = DiskSyncProbe.WatchStalls(directory, stallWatch);
        }

        return new ProbeReport
        {
            MeasuredAtUtc = DateTime.UtcNow,
            Machine = DescribeMachine(commit ?? GitCommit(Environment.CurrentDirectory)),
            Handoff = new HandoffProbeResult
            {
                RoundTripNs = handoff.RoundTripNs,
                MinRoundTripNs = handoff.MinRoundTripNs,
                MaxRoundTripNs = handoff.MaxRoundTripNs,
            },
            DiskSync = disk,
        };
    }

    public static MachineDescription DescribeMachine(string commit) => new()
    {
        Cpu = MachineInfo.CpuModel(),
        Cores = Environment.ProcessorCount,
        Memory = MachineInfo.MemoryTotal(),
        Os = RuntimeInformation.OSDescription,
        Dotnet = RuntimeInformation.FrameworkDescription,
        Commit = commit,
        Load = MachineInfo.LoadAverage() + " (1/5/15 min); CPU pressure some avg10 "
            + MachineInfo.CpuPressureSome10().ToString("F1", CultureInfo.InvariantCulture) + "%",
    };

    /// <summary>HEAD of the repository around <paramref name="directory"/>, " (dirty)" when tracked files changed; "unknown" without git.</summary>
    public static string GitCommit(string directory)
    {
        string? head = Git(directory, "rev-parse HEAD");
        if (string.IsNullOrEmpty(head))
        {
            return "unknown";
        }

        string? changes = Git(directory, "status --porcelain --untracked-files=no");
        return string.IsNullOrEmpty(changes) ? head : head + " (dirty)";
    }

    private static string? Git(string directory, string arguments)
    {
        var start = new ProcessStartInfo("git", arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        try
        {
            using Process? git = Process.Start(start);
            if (git is null)
            {
                return null;
            }

            string output = git.StandardOutput.ReadToEnd().Trim();
            git.StandardError.ReadToEnd();
            return git.WaitForExit(10_000) && git.ExitCode == 0 ? output : null;
        }
        catch (Win32Exception)
        {
            return null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
