using Akka.Actor;

namespace Virtsim.Bench.Remote;

/// <summary>
/// The other process of <c>remote-roundtrips</c> (<c>remote-roundtrips-peer</c>): the two actor systems with an echo
/// each; prints their addresses on one line and runs until its standard input closes (the benchmark ended or died).
/// </summary>
public static class RoundTripPeer
{
    /// <summary>The line's start, before the two addresses.</summary>
    public const string ReadyLine = "peer ready:";

    /// <summary>Runs the peer; returns the exit code.</summary>
    public static int Run(TextWriter output)
    {
        var systems = new[] { RoundTripSystems.Start(RoundTripSystems.Fleet), RoundTripSystems.Start(RoundTripSystems.Default) };
        foreach (var system in systems) system.ActorOf(Props.Create(() => new RoundTripEcho()), "echo");
        output.WriteLine($"{ReadyLine} {string.Join(' ', systems.Select(s => ((ExtendedActorSystem)s).Provider.DefaultAddress.ToString()))}");
        output.Flush();
        Console.In.ReadToEnd();
        Task.WaitAll(systems.Select(s => s.Terminate()).ToArray(), TimeSpan.FromSeconds(10));
        return 0;
    }
}
