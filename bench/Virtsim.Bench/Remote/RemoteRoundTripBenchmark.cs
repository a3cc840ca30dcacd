using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Virtsim.Fleet.Messages.Dma;
using Virtsim.Fleet.Messages.Doorbell;
using Virtsim.Fleet.Messages.Interrupt;

namespace Virtsim.Bench.Remote;

/// <summary>
/// <c>remote-roundtrips [--seconds N] [--messages dma|doorbell|all] [--rounds R] [--windows 1,32] [--dma-bytes B]</c>:
/// round trips per second between this process and a child process (<see cref="RoundTripPeer"/>) over Akka.Remote on
/// loopback. A <see cref="DmaRead"/> answered by a <see cref="DmaCompleted"/> with B bytes, and a
/// <see cref="DoorbellMessage"/> answered by an <see cref="InterruptMessage"/>, each with the project's
/// <c>FleetSerializer</c> and with Akka's default serializer, beside a plain ping-pong of a <c>long</c> in the same
/// run. Each window (requests in flight) is measured R rounds, the configurations alternated in a rotating order;
/// prints each measurement, then medians and ratios.
/// </summary>
public static class RemoteRoundTripBenchmark
{
    private sealed record Measured(string Messages, string Serializer, int System, RoundTripKind Kind);

    /// <summary>Runs the benchmark; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output)
    {
        double seconds = 3;
        int rounds = 3;
        uint dmaBytes = 4096;
        string messages = "all";
        int[] windows = [1, 32];
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--seconds": seconds = double.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--rounds": rounds = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--dma-bytes": dmaBytes = uint.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--messages": messages = args[i + 1]; break;
                case "--windows": windows = args[i + 1].Split(',').Select(w => int.Parse(w, CultureInfo.InvariantCulture)).ToArray(); break;
                default:
                    output.WriteLine($"unknown option {args[i]}");
                    return 2;
            }
        }
        if (args.Length % 2 != 0 || messages is not ("dma" or "doorbell" or "all") || seconds <= 0 || rounds < 1 || dmaBytes is 0 or > DmaRead.MaxLength ||
            windows.Length == 0 || windows.Any(w => w < 1))
        {
            output.WriteLine("usage: remote-roundtrips [--seconds N] [--messages dma|doorbell|all] [--rounds R] [--windows 1,32] [--dma-bytes 1..1048576]");
            return 2;
        }
        var measured = new List<Measured> { new("ping (long)", "Akka primitive", 0, RoundTripKind.Ping("ping")) };
        if (messages is "dma" or "all")
        {
            var dma = RoundTripKind.Dma("dma", dmaBytes);
            measured.Add(new($"DmaRead/DmaCompleted {dmaBytes} B", "FleetSerializer", 0, dma));
            measured.Add(new($"DmaRead/DmaCompleted {dmaBytes} B", "Akka default", 1, dma));
        }
        if (messages is "doorbell" or "all")
        {
            var doorbell = RoundTripKind.Doorbell("doorbell");
            measured.Add(new("DoorbellMessage/InterruptMessage", "FleetSerializer", 0, doorbell));
            measured.Add(new("DoorbellMessage/InterruptMessage", "Akka default", 1, doorbell));
        }
        return RunAsync(measured, TimeSpan.FromSeconds(seconds), rounds, windows, output).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(List<Measured> measured, TimeSpan duration, int rounds, int[] windows, TextWriter output)
    {
        using var peer = StartPeer();
        ActorSystem[] systems = [];
        try
        {
            string? ready = null;
            var reading = peer.StandardOutput.ReadLineAsync();
            if (await Task.WhenAny(reading, Task.Delay(TimeSpan.FromMinutes(1))) == reading) ready = await reading;
            if (ready is null || !ready.StartsWith(RoundTripPeer.ReadyLine, StringComparison.Ordinal))
            {
                output.WriteLine($"the peer process did not start: {ready ?? "no answer within a minute"}");
                return 1;
            }
            string[] addresses = ready[RoundTripPeer.ReadyLine.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            systems = [RoundTripSystems.Start(RoundTripSystems.Fleet), RoundTripSystems.Start(RoundTripSystems.Default)];
            var echoes = new IActorRef[2];
            for (int s = 0; s < 2; s++)
                echoes[s] = await systems[s].ActorSelection(addresses[s] + "/user/echo").ResolveOne(TimeSpan.FromSeconds(30));

            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"remote-roundtrips: this process (pid {Environment.ProcessId}) and a peer process (pid {peer.Id}) on 127.0.0.1, Akka.Remote over DotNetty TCP; " +
                $"{duration.TotalSeconds:0.#} s per measurement, {rounds} rounds, windows {string.Join(", ", windows)} (requests in flight)"));
            foreach (var m in measured.Skip(1)) output.WriteLine($"  {m.Messages} with {m.Serializer}: {Wire(systems[m.System], m.Kind)}");
            output.WriteLine($"  ping: {Wire(systems[0], measured[0].Kind)}");

            // Warm-up: JIT, connections, pools.
            foreach (var m in measured) await MeasureAsync(systems[m.System], echoes[m.System], m.Kind, windows.Max(), TimeSpan.FromSeconds(1));

            var results = new Dictionary<(int Window, int Index), List<double>>();
            foreach (int window in windows)
            {
                for (int round = 0; round < rounds; round++)
                {
                    var line = new List<string>();
                    for (int k = 0; k < measured.Count; k++)
                    {
                        int index = (k + round) % measured.Count; // a rotating order: no configuration always goes first
                        var m = measured[index];
                        var (trips, elapsed) = await MeasureAsync(systems[m.System], echoes[m.System], m.Kind, window, duration);
                        double rate = trips / elapsed.TotalSeconds;
                        if (!results.TryGetValue((window, index), out var list)) results[(window, index)] = list = [];
                        list.Add(rate);
                        line.Add(string.Create(CultureInfo.InvariantCulture, $"{m.Kind.Name}/{m.Serializer} {rate:N0}"));
                    }
                    output.WriteLine($"window {window}, round {round + 1}: {string.Join("; ", line)} round trips/s");
                }
            }

            output.WriteLine();
            output.WriteLine("| window | messages | serializer | round trips/s (median) | min | max | vs ping | FleetSerializer / default |");
            output.WriteLine("|---:|---|---|---:|---:|---:|---:|---:|");
            foreach (int window in windows)
            {
                double ping = Median(results[(window, 0)]);
                for (int index = 0; index < measured.Count; index++)
                {
                    var m = measured[index];
                    var rates = results[(window, index)];
                    double median = Median(rates);
                    string ratio = "";
                    if (m.Serializer == "FleetSerializer")
                    {
                        int other = measured.FindIndex(o => o.Kind == m.Kind && o.Serializer != m.Serializer);
                        ratio = string.Create(CultureInfo.InvariantCulture, $"{median / Median(results[(window, other)]):0.00}x");
                    }
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {window} | {m.Messages} | {m.Serializer} | {median:N0} | {rates.Min():N0} | {rates.Max():N0} | {median / ping:0.00} | {ratio} |"));
                }
            }
            return 0;
        }
        finally
        {
            foreach (var system in systems) await system.Terminate().WaitAsync(TimeSpan.FromSeconds(10));
            peer.StandardInput.Close(); // the peer's signal to stop
            if (!peer.WaitForExit(TimeSpan.FromSeconds(20))) peer.Kill(entireProcessTree: true);
        }
    }

    private static async Task<(long RoundTrips, TimeSpan Elapsed)> MeasureAsync(ActorSystem system, IActorRef echo, RoundTripKind kind, int window, TimeSpan duration)
    {
        var done = new TaskCompletionSource<(long, TimeSpan)>(TaskCreationOptions.RunContinuationsAsynchronously);
        system.ActorOf(Props.Create(() => new RoundTripPinger(echo, kind, window, duration, done)));
        var finished = await Task.WhenAny(done.Task, Task.Delay(duration + TimeSpan.FromMinutes(1)));
        if (finished != done.Task) throw new TimeoutException($"{kind.Name}: the round trips did not finish");
        return await done.Task;
    }

    // The serializer and the payload bytes of one round trip (request and answer) in this system.
    private static string Wire(ActorSystem system, RoundTripKind kind)
    {
        object request = kind.Request(1);
        object answer = kind.Name switch
        {
            "dma" => new DmaCompleted(1, new byte[((DmaRead)request).Length]),
            "doorbell" => new InterruptMessage(InterruptKind.Msix, 1, 1),
            _ => request,
        };
        var a = system.Serialization.FindSerializerFor(request);
        var b = system.Serialization.FindSerializerFor(answer);
        return $"{request.GetType().Name} by {a.GetType().Name} ({a.ToBinary(request).Length} B), " +
               $"{answer.GetType().Name} by {b.GetType().Name} ({b.ToBinary(answer).Length} B)";
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    // This program again, as its own process: the apphost, or the dotnet host with this assembly.
    private static Process StartPeer()
    {
        string process = Environment.ProcessPath ?? "dotnet";
        var info = new ProcessStartInfo(process) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            info.ArgumentList.Add(typeof(RemoteRoundTripBenchmark).Assembly.Location);
        info.ArgumentList.Add("remote-roundtrips-peer");
        return Process.Start(info) ?? throw new InvalidOperationException("cannot start the peer process");
    }
}
