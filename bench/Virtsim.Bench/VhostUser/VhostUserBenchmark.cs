using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Virtsim.Bench.VhostUser;

/// <summary>
/// <c>vhost-user [--pairs N] [--seconds S] [--formats split,packed] [--only virtsim|dpdk] [--polling-budget-us N]</c>: frames per second received from DPDK's
/// txonly virtio driver (testpmd, net_virtio_user) by Virtsim's back-end and, in the same run and under the same
/// driver, by DPDK's own vhost back-end (testpmd, net_vhost, rxonly). Both sides busy-poll and the machine may have
/// only two cores, so the two back-ends are measured alternately in pairs and the medians compared.
/// </summary>
public static class VhostUserBenchmark
{
    private const int BackEndCpu = 1; // DPDK's back-end forwards on lcore 1; the driver forwards on lcore 0
    private const int WarmupMs = 1000;

    /// <summary>Runs the benchmark and prints per-pair figures, medians, ratios and one JSON line; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output)
    {
        int pairs = 3;
        double seconds = 5;
        string[] formats = ["split", "packed"];
        bool runVirtsim = true, runDpdk = true;
        TimeSpan? budget = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--pairs" when i + 1 < args.Length: pairs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--seconds" when i + 1 < args.Length: seconds = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--formats" when i + 1 < args.Length: formats = args[++i].Split(','); break;
                case "--polling-budget-us" when i + 1 < args.Length:
                    budget = TimeSpan.FromMicroseconds(double.Parse(args[++i], CultureInfo.InvariantCulture));
                    break;
                case "--only" when i + 1 < args.Length:
                    string only = args[++i];
                    runVirtsim = only == "virtsim";
                    runDpdk = only == "dpdk";
                    break;
                default:
                    output.WriteLine($"unknown option {args[i]}; usage: vhost-user [--pairs N] [--seconds S] [--formats split,packed] [--only virtsim|dpdk] [--polling-budget-us N]");
                    return 2;
            }
        }
        if (!TestpmdProcess.Available)
        {
            output.WriteLine("dpdk-testpmd is not installed: nothing to measure");
            return 1;
        }
        var results = new List<FormatResult>();
        foreach (string format in formats)
        {
            bool packed = format == "packed";
            var virtsim = new List<double>();
            var dpdk = new List<double>();
            for (int pair = 1; pair <= pairs; pair++)
            {
                // Alternate which back-end goes first, so a load that drifts during the run favours neither.
                double v = double.NaN, d = double.NaN;
                if (pair % 2 == 0 && runDpdk) d = MeasureDpdk(packed, seconds, output);
                if (runVirtsim) v = MeasureVirtsim(packed, seconds, budget, output);
                if (pair % 2 == 1 && runDpdk) d = MeasureDpdk(packed, seconds, output);
                virtsim.Add(v);
                dpdk.Add(d);
                output.WriteLine($"{format} pair {pair}: virtsim {v,14:N0} fps   dpdk {d,14:N0} fps   ratio {Ratio(v, d):F3}");
            }
            results.Add(new FormatResult(format, virtsim, dpdk));
        }
        output.WriteLine();
        output.WriteLine($"{"ring",-8}{"virtsim median fps",20}{"dpdk median fps",20}{"ratio",10}");
        foreach (var r in results)
            output.WriteLine($"{r.Format,-8}{Median(r.Virtsim),20:N0}{Median(r.Dpdk),20:N0}{Ratio(Median(r.Virtsim), Median(r.Dpdk)),10:F3}");
        output.WriteLine(Json(results, pairs, seconds));
        return 0;
    }

    private sealed record FormatResult(string Format, List<double> Virtsim, List<double> Dpdk);

    private static double Ratio(double a, double b) => b > 0 ? a / b : double.NaN;

    /// <summary>The median (mean of the middle two for an even count); NaN when empty.</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        var valid = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (valid.Length == 0) return double.NaN;
        int mid = valid.Length / 2;
        return valid.Length % 2 == 1 ? valid[mid] : (valid[mid - 1] + valid[mid]) / 2;
    }

    private static string Socket() => Path.Combine(Path.GetTempPath(), $"virtsim-bench-{Guid.NewGuid():N}"[..40] + ".sock");

    private static double MeasureVirtsim(bool packed, double seconds, TimeSpan? budget, TextWriter output)
    {
        string socket = Socket();
        try
        {
            using var server = new PinnedVhostUserServer(socket, BackEndCpu, budget);
            using var driver = TestpmdProcess.StartTxonlyDriver(socket, packed);
            if (!driver.WaitFor("Press enter to exit", 60_000)) return Fail("virtsim: the driver did not start", driver, output);
            if (!Wait(() => server.Net.FramesFromDriver > 0, 10_000)) return Fail("virtsim: no frames arrived", driver, output);
            if (!server.Pinned) output.WriteLine("warning: the Virtsim back-end thread could not be pinned");
            Thread.Sleep(WarmupMs);
            long before = server.Net.FramesFromDriver;
            var watch = Stopwatch.StartNew();
            Thread.Sleep(TimeSpan.FromSeconds(seconds));
            long after = server.Net.FramesFromDriver;
            double elapsed = watch.Elapsed.TotalSeconds;
            driver.Stop("");
            // The serve thread's allocations over the whole session (setup included), per frame it received.
            if (Wait(() => server.Allocated > 0 || !server.Connected, 5000) && server.Net.FramesFromDriver > 0)
                output.WriteLine($"virtsim back-end allocated {server.Allocated} bytes for {server.Net.FramesFromDriver} frames ({(double)server.Allocated / server.Net.FramesFromDriver:F4} bytes/frame, session setup included)");
            return (after - before) / elapsed;
        }
        finally { File.Delete(socket); }
    }

    private static double MeasureDpdk(bool packed, double seconds, TextWriter output)
    {
        string socket = Socket();
        try
        {
            using var backEnd = TestpmdProcess.StartVhostBackEnd(socket);
            if (!Wait(() => File.Exists(socket) || backEnd.HasExited, 60_000) || backEnd.HasExited)
                return Fail("dpdk: the vhost back-end did not create its socket", backEnd, output);
            // The prompt has no newline, so it is never a line here; the command waits in stdin until it is read.
            backEnd.Send("start");
            using var driver = TestpmdProcess.StartTxonlyDriver(socket, packed);
            if (!driver.WaitFor("Press enter to exit", 60_000)) return Fail("dpdk: the driver did not start", driver, output);
            if (!Wait(() => backEnd.ReadForwardRxPackets() > 0, 10_000)) return Fail("dpdk: no frames arrived", backEnd, output);
            Thread.Sleep(WarmupMs);
            // The count is taken when testpmd handles the command: time it at the middle of the round trip.
            var clock = Stopwatch.StartNew();
            double t0 = clock.Elapsed.TotalSeconds;
            long before = backEnd.ReadForwardRxPackets();
            t0 = (t0 + clock.Elapsed.TotalSeconds) / 2;
            Thread.Sleep(TimeSpan.FromSeconds(seconds));
            double t1 = clock.Elapsed.TotalSeconds;
            long after = backEnd.ReadForwardRxPackets();
            t1 = (t1 + clock.Elapsed.TotalSeconds) / 2;
            driver.Stop("");
            backEnd.Stop("quit");
            if (before < 0 || after < 0) return Fail("dpdk: statistics not printed", backEnd, output);
            return (after - before) / (t1 - t0);
        }
        finally { File.Delete(socket); }
    }

    private static bool Wait(Func<bool> condition, int timeoutMs)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.ElapsedMilliseconds > timeoutMs) return false;
            Thread.Sleep(20);
        }
        return true;
    }

    private static double Fail(string what, TestpmdProcess process, TextWriter output)
    {
        output.WriteLine($"{what}; testpmd output:");
        string text = process.Output;
        output.WriteLine(text.Length > 4000 ? text[^4000..] : text);
        return double.NaN;
    }

    private static string Json(List<FormatResult> results, int pairs, double seconds)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("benchmark", "vhost-user-txonly");
            w.WriteNumber("pairs", pairs);
            w.WriteNumber("seconds", seconds);
            foreach (var r in results)
            {
                w.WriteStartObject(r.Format);
                w.WriteStartArray("virtsimFps");
                foreach (var v in r.Virtsim) WriteNumber(w, v);
                w.WriteEndArray();
                w.WriteStartArray("dpdkFps");
                foreach (var d in r.Dpdk) WriteNumber(w, d);
                w.WriteEndArray();
                w.WritePropertyName("virtsimMedianFps");
                WriteNumber(w, Median(r.Virtsim));
                w.WritePropertyName("dpdkMedianFps");
                WriteNumber(w, Median(r.Dpdk));
                w.WritePropertyName("ratio");
                WriteNumber(w, Ratio(Median(r.Virtsim), Median(r.Dpdk)));
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());

        static void WriteNumber(Utf8JsonWriter w, double value)
        {
            if (double.IsFinite(value)) w.WriteNumberValue(Math.Round(value, 3));
            else w.WriteNullValue();
        }
    }
}
