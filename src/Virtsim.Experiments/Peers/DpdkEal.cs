namespace Virtsim.Experiments.Peers;

/// <summary>
/// How Virtsim starts DPDK's dpdk-testpmd (the conformance peers, the tests and the benchmarks) on a machine without hugepages or PCI devices: the
/// binary, the EAL arguments that work there, a file prefix per process (so runs side by side do not share EAL
/// state) and the cleanup of that prefix's runtime directory afterwards.
/// </summary>
public static class DpdkEal
{
    /// <summary>Where the Debian package dpdk installs testpmd.</summary>
    public const string TestpmdPath = "/usr/bin/dpdk-testpmd";
    private static int s_counter;

    /// <summary>The testpmd binary, or null when the Debian package dpdk is not installed.</summary>
    public static string? Testpmd => File.Exists(TestpmdPath) ? TestpmdPath : null;

    /// <summary>The testpmd binary; throws with the package to install when it is missing.</summary>
    public static string RequireTestpmd() =>
        Testpmd ?? throw new InvalidOperationException("dpdk-testpmd is not installed (Debian package dpdk; scripts/test.sh installs it)");

    /// <summary>A file prefix no other testpmd of this machine uses now.</summary>
    public static string NewFilePrefix(string tag) => $"virtsim-{tag}-{Environment.ProcessId}-{Interlocked.Increment(ref s_counter)}";

    /// <summary>
    /// The EAL arguments: no hugepages (<paramref name="memoryMb"/> MiB of ordinary memory), no PCI, no telemetry,
    /// the file prefix, lcores 0 and 1 (with <paramref name="mainLcore"/> as the main one when given), quiet EAL
    /// logging, and the virtual device <paramref name="vdev"/>.
    /// </summary>
    public static IEnumerable<string> Arguments(string prefix, string vdev, int memoryMb = 512, int? mainLcore = null)
    {
        yield return "--no-huge";
        yield return "-m";
        yield return memoryMb.ToString(System.Globalization.CultureInfo.InvariantCulture);
        yield return "--no-pci";
        yield return "--no-telemetry";
        yield return $"--file-prefix={prefix}";
        yield return "-l";
        yield return "0,1";
        if (mainLcore is int main) yield return $"--main-lcore={main}";
        yield return "--log-level=lib.eal:error";
        yield return "--log-level=lib.vhost.config:error";
        yield return vdev;
    }

    /// <summary>Removes the EAL runtime directory of <paramref name="prefix"/> (/var/run/dpdk for root, else under XDG_RUNTIME_DIR or the temp folder).</summary>
    public static void RemoveRuntimeDirectory(string prefix)
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        foreach (var root in new[] { "/var/run/dpdk", xdg == null ? null : Path.Combine(xdg, "dpdk"), Path.Combine(Path.GetTempPath(), "dpdk") })
        {
            if (root == null) continue;
            try { Directory.Delete(Path.Combine(root, prefix), recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
