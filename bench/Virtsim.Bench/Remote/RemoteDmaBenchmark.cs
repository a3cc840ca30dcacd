using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Virtsim.Bench.Hosting;

namespace Virtsim.Bench.Remote;

/// <summary>
/// <c>remote-dma [--rounds R] [--requests N] [--virtsim PATH]</c>: the cost of remote DMA. Runs a blk-only scenario
/// (two VMs, four blk devices of both ring formats, N requests each) with <c>virtsim run --local-nodes 3 --json</c>,
/// all on node-1 and with <c>placement { default-device-role = devices }</c> (every device on node-2, reaching its
/// VM's memory by DMA messages), alternated R times each; prints each run and the medians of the world's requests per
/// second of wall time (the report's requests over its <c>wallTimeMs</c>).
/// </summary>
public static class RemoteDmaBenchmark
{
    /// <summary>Runs the benchmark; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output)
    {
        int rounds = 3, requests = 2000;
        string? virtsim = null;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--rounds": rounds = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--requests": requests = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--virtsim": virtsim = args[i + 1]; break;
                default:
                    output.WriteLine($"unknown option {args[i]}");
                    return 2;
            }
        }
        if (args.Length % 2 != 0 || rounds < 1 || requests < 1)
        {
            output.WriteLine("usage: remote-dma [--rounds R] [--requests N] [--virtsim PATH]");
            return 2;
        }
        virtsim ??= ClusterFailoverBenchmark.DefaultVirtsim();
        if (!File.Exists(virtsim))
        {
            output.WriteLine($"virtsim.dll not found at {virtsim}: build src/Virtsim.Cli (Release) or give --virtsim PATH");
            return 2;
        }
        string folder = Path.Combine(Path.GetTempPath(), "virtsim-remote-dma-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        try
        {
            string local = Path.Combine(folder, "blk-local.conf");
            string remote = Path.Combine(folder, "blk-remote.conf");
            File.WriteAllText(local, Scenario(requests));
            File.WriteAllText(remote, Scenario(requests) + "placement { default-device-role = devices }\n");
            output.WriteLine($"remote-dma: 2 VMs, 4 blk devices, {requests} requests each, virtsim run --local-nodes 3, {rounds} rounds, all local and devices on node-2 alternated");
            var runs = new Dictionary<string, List<Result>> { ["all on node-1"] = [], ["devices on node-2"] = [] };
            for (int round = 0; round < rounds; round++)
            {
                // Alternated, the first of a round changing each round.
                var order = round % 2 == 0 ? new[] { ("all on node-1", local), ("devices on node-2", remote) } : new[] { ("devices on node-2", remote), ("all on node-1", local) };
                foreach (var (name, file) in order)
                {
                    var result = RunOnce(virtsim, file);
                    if (result is null)
                    {
                        output.WriteLine($"round {round + 1}, {name}: the run failed");
                        return 1;
                    }
                    runs[name].Add(result);
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"round {round + 1}, {name}: {result.Requests:N0} requests in {result.WallMs / 1000:0.00} s = {result.Rate:N0} requests/s, " +
                        $"{result.RemoteDmaMessages:N0} remote DMA messages ({result.RemoteDmaBytes / 1e6:0.0} MB), outcome {result.Outcome}, command {result.CommandSeconds:0.0} s"));
                }
            }
            output.WriteLine();
            output.WriteLine("| placement | requests/s (median) | min | max | run (median) | remote DMA messages per request |");
            output.WriteLine("|---|---:|---:|---:|---:|---:|");
            foreach (var (name, results) in runs)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {Median(results.Select(r => r.Rate)):N0} | {results.Min(r => r.Rate):N0} | {results.Max(r => r.Rate):N0} | " +
                    $"{Median(results.Select(r => r.WallMs)) / 1000:0.00} s | {Median(results.Select(r => (double)r.RemoteDmaMessages / r.Requests)):0.0} |"));
            }
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"remote / local requests/s: {Median(runs["devices on node-2"].Select(r => r.Rate)) / Median(runs["all on node-1"].Select(r => r.Rate)):0.00}"));
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private sealed record Result(long Requests, double WallMs, long RemoteDmaMessages, long RemoteDmaBytes, string Outcome, double CommandSeconds)
    {
        public double Rate => Requests / (WallMs / 1000);
    }

    /// <summary>The blk-only scenario: the blk devices of quickstart (split and packed rings, PCI and MMIO, interrupt and polling drivers).</summary>
    public static string Scenario(int requests) => string.Create(CultureInfo.InvariantCulture, $$"""
        scenario { name = remote-dma, seed = 42, max-virtual-time = 60s }
        defaults.blk { requests = {{requests}}, block-size = 4096, queue-depth = 32, disk-sectors = 65536, queue-size = 128 }
        hosts = [ { name = host-a, vms = [
          { name = vm-1, memory = 256MiB, devices = [
              { name = blk0, type = blk, transport = pci, vendor = acme-vf }
              { name = blk1, type = blk, transport = mmio, vendor = swift-vhost, packed = true }
          ] }
          { name = vm-2, memory = 256MiB, devices = [
              { name = blk0, type = blk, transport = pci, vendor = swift-vhost }
              { name = blk1, type = blk, transport = pci, vendor = acme-vf, packed = true, driver = poll }
          ] }
        ] } ]

        """);

    private static Result? RunOnce(string virtsim, string scenario)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { virtsim, "run", scenario, "--local-nodes", "3", "--json" }) info.ArgumentList.Add(a);
        var clock = Stopwatch.StartNew();
        using var run = Process.Start(info)!;
        var errors = run.StandardError.ReadToEndAsync();
        string stdout = run.StandardOutput.ReadToEnd();
        if (!run.WaitForExit(TimeSpan.FromMinutes(10))) run.Kill(entireProcessTree: true);
        double seconds = clock.Elapsed.TotalSeconds;
        string? last = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l.StartsWith('{'));
        if (run.ExitCode != 0 || last is null)
        {
            Console.Error.WriteLine($"virtsim run exited {run.ExitCode}: {errors.Result}");
            return null;
        }
        var report = JsonDocument.Parse(last).RootElement;
        var counters = report.GetProperty("counters");
        long Counter(string name) => counters.TryGetProperty(name, out var v) ? v.GetInt64() : 0;
        return new Result(report.GetProperty("requests").GetInt64(), report.GetProperty("wallTimeMs").GetDouble(),
            Counter("remoteDmaMessages"), Counter("remoteDmaBytes"), report.GetProperty("outcome").GetString() ?? "", seconds);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
