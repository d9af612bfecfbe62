using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Runtime;
using System.Runtime.InteropServices;

namespace Pipeline.Perf;

/// <summary>What a perf result needs next to it to be comparable: CPU, cores, memory, OS, runtime and JIT settings.</summary>
internal static class MachineInfo
{
    private static readonly string[] s_jitEnvironment =
    [
        "DOTNET_TieredCompilation",
        "DOTNET_TieredPGO",
        "DOTNET_TC_QuickJitForLoops",
        "DOTNET_OSR_HitLimit",
        "DOTNET_ReadyToRun",
        "DOTNET_gcServer",
        "DOTNET_GCgen0size",
    ];

    public static string CpuModel()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal))
                {
                    return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    /// <summary>The 1/5/15-minute load averages: other work on this shared machine shows up here first.</summary>
    public static string LoadAverage()
    {
        try
        {
            string[] parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return parts.Length >= 3 ? $"{parts[0]} {parts[1]} {parts[2]}" : "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown";
        }
    }

    /// <summary>
    /// Linux CPU pressure (PSI): the share of the last 10 s in which some runnable thread waited for a core, in
    /// percent; NaN where /proc/pressure is missing. Above a few percent, other work competed for the 2 cores.
    /// </summary>
    public static double CpuPressureSome10()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/pressure/cpu"))
            {
                if (line.StartsWith("some ", StringComparison.Ordinal))
                {
                    int at = line.IndexOf("avg10=", StringComparison.Ordinal) + "avg10=".Length;
                    int end = line.IndexOf(' ', at);
                    return double.Parse(line[at..end], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return double.NaN;
    }

    public static string MemoryTotal()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/meminfo"))
            {
                if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
                {
                    string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    double kib = double.Parse(parts[1], CultureInfo.InvariantCulture);
                    return string.Format(CultureInfo.InvariantCulture, "{0:F1} GiB", kib / (1024 * 1024));
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return "unknown";
    }

    public static string Affinity()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsWindows())
        {
            return "unknown";
        }

        try
        {
            using Process self = Process.GetCurrentProcess();
            return "not pinned by the harness; process affinity mask 0x" + ((long)self.ProcessorAffinity).ToString("X", CultureInfo.InvariantCulture);
        }
        catch (PlatformNotSupportedException)
        {
            return "unknown";
        }
    }

    public static string JitSettings()
    {
        string tc = Switch("System.Runtime.TieredCompilation");
        string pgo = Switch("System.Runtime.TieredPGO");
        string quickLoops = Switch("System.Runtime.TieredCompilation.QuickJitForLoops");
        var env = new List<string>();
        foreach (string name in s_jitEnvironment)
        {
            string? value = Environment.GetEnvironmentVariable(name);
            if (value is not null)
            {
                env.Add(name + "=" + value);
            }
        }

        return $"TieredCompilation={tc} TieredPGO={pgo} QuickJitForLoops={quickLoops} (runtimeconfig); env: {(env.Count == 0 ? "none set" : string.Join(' ', env))}; "
            + $"GC: {(GCSettings.IsServerGC ? "server" : "workstation")}, latency mode {GCSettings.LatencyMode}";
    }

    private static string Switch(string name)
    {
        object? data = AppContext.GetData(name);
        return data?.ToString() ?? "default";
    }

    public static IEnumerable<KeyValuePair<string, string>> Describe()
    {
        yield return new("cpu", CpuModel());
        yield return new("cores", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture));
        yield return new("memory", MemoryTotal());
        yield return new("os", RuntimeInformation.OSDescription);
        yield return new("runtime", RuntimeInformation.FrameworkDescription);
        yield return new("jit", JitSettings());
        yield return new("pinning", Affinity());
        yield return new("load", LoadAverage() + " (1/5/15 min, at start); CPU pressure some avg10 " + CpuPressureSome10().ToString("F1", CultureInfo.InvariantCulture) + "%");
    }
}
