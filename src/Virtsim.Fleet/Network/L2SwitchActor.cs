using Akka.Actor;
using Virtsim.Fleet.Messages.Net;

namespace Virtsim.Fleet.Network;

/// <summary>
/// A learning Ethernet switch. A port is whoever sends it frames (a net device's transport endpoint) or attaches
/// with <see cref="AttachPort"/>. It learns each frame's source MAC on the port it came from, forwards a frame to
/// the port that owns its destination, and floods broadcasts and unknown destinations to every other port, each
/// after the link latency. Frames are never duplicated on one port and never sent back where they came from.
/// A port that attaches with its MAC is learned at once, as a gratuitous announcement at link-up teaches a real
/// switch: without it, every first frame to a device that had not spoken yet went to every port of the fleet, so
/// messages grew with the square of the fleet. Every operation is O(1) in the number of ports but a flood.
/// </summary>
public sealed class L2SwitchActor : ReceiveActor
{
    private readonly Dictionary<ulong, IActorRef> _table = [];
    private readonly List<IActorRef> _ports = [];
    private readonly HashSet<IActorRef> _attached = [];
    private readonly TimeSpan _latency;
    private readonly int _expectedPorts;
    private readonly Queue<(FrameMessage Frame, IActorRef Ingress)> _early = new();

    /// <summary>Creates the switch.</summary>
    /// <param name="latency">The link latency.</param>
    /// <param name="expectedPorts">
    /// Ports the world will attach (<see cref="AttachPort"/>). Frames that arrive before all of them did are held
    /// and switched once the last one attaches, so a frame flooded while the world is still being built (hosts start
    /// concurrently under the threaded dispatcher) is not lost. 0: switch at once.
    /// </param>
    public L2SwitchActor(TimeSpan latency, int expectedPorts = 0)
    {
        _latency = latency;
        _expectedPorts = expectedPorts;
        Receive<AttachPort>(a =>
        {
            Attach(a.Port);
            if (a.Mac is { Length: 6 } mac && (mac[0] & 1) == 0) _table[Mac(mac)] = a.Port;
            if (_ports.Count < _expectedPorts) return;
            while (_early.TryDequeue(out var early)) Switch(early.Frame, early.Ingress);
        });
        Receive<Announce>(a =>
        {
            // A migrated VM's self-announce (RARP from its MAC): learned on the new port. The broadcast copies, which
            // every receiver drops, are not simulated.
            Attach(a.Port);
            _table[Mac(a.Mac)] = a.Port;
        });
        Receive<FrameMessage>(m =>
        {
            if (_ports.Count < _expectedPorts) _early.Enqueue((m, Sender));
            else Switch(m, Sender);
        });
    }

    /// <summary>Frames forwarded to a learned port.</summary>
    public long Forwarded { get; private set; }

    /// <summary>Frames flooded.</summary>
    public long Flooded { get; private set; }

    private void Attach(IActorRef port)
    {
        if (_attached.Add(port)) _ports.Add(port);
    }

    private void Switch(FrameMessage m, IActorRef ingress)
    {
        var f = m.Frame;
        if (f.Length < 14) return;
        Attach(ingress);
        ulong source = Mac(f.AsSpan(6, 6));
        if ((f[6] & 1) == 0) _table[source] = ingress;
        ulong destination = Mac(f.AsSpan(0, 6));
        if ((f[0] & 1) == 0 && _table.TryGetValue(destination, out var egress))
        {
            if (!egress.Equals(ingress)) Deliver(egress, m);
            Forwarded++;
            return;
        }
        Flooded++;
        foreach (var port in _ports)
            if (!port.Equals(ingress)) Deliver(port, m);
    }

    private void Deliver(IActorRef port, FrameMessage m) => Context.System.Scheduler.ScheduleTellOnce(_latency, port, m, Self);

    private static ulong Mac(ReadOnlySpan<byte> mac)
    {
        ulong v = 0;
        foreach (byte b in mac) v = (v << 8) | b;
        return v;
    }

    /// <summary>Attaches a port before it has sent anything (so floods reach it), with the MAC behind it if known.</summary>
    /// <param name="Port">The port (a net device's transport endpoint).</param>
    /// <param name="Mac">The device's unicast MAC address: frames for it go to <paramref name="Port"/> from now on. Null: learned from its frames.</param>
    public sealed record AttachPort(IActorRef Port, byte[]? Mac = null);

    /// <summary>A VM's net device announces its MAC after a migration: the switch sends frames for it to <paramref name="Port"/> from now on.</summary>
    /// <param name="Port">The device's new port (its net backend at the destination).</param>
    /// <param name="Mac">The device's MAC address.</param>
    public sealed record Announce(IActorRef Port, byte[] Mac);
}
