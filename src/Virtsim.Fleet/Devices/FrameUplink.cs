using Akka.Actor;
using Virtsim.Fleet.Messages.Net;
using Virtsim.Virtio.Devices.Net;

namespace Virtsim.Fleet.Devices;

/// <summary>
/// A net device's cable: frames the device transmits are copied out of guest memory and held until the queue's DMA
/// time has passed, then sent on with the endpoint as the sender - to the device's
/// <see cref="Backends.NetBackendActor"/>, which forwards them to the switch, or straight to the switch.
/// </summary>
public sealed class FrameUplink : INetFrameSink
{
    private readonly List<byte[]> _held = [];

    /// <summary>Creates the uplink.</summary>
    /// <param name="network">Where frames go (the device's net backend or the switch), or null when the device is not cabled.</param>
    /// <param name="toBackend">True when <paramref name="network"/> is the device's <see cref="Backends.NetBackendActor"/>.</param>
    /// <param name="loss">Where frames a crash of the device destroys are reported, or null.</param>
    public FrameUplink(IActorRef? network, bool toBackend = false, FrameLoss? loss = null)
    {
        Network = network;
        Backend = toBackend ? network : null;
        Loss = loss;
    }

    /// <summary>Where frames a crash of the device destroys are reported (their workloads), or null.</summary>
    public FrameLoss? Loss { get; }

    /// <summary>Where frames go: the device's net backend or the switch.</summary>
    public IActorRef? Network { get; }

    /// <summary>
    /// The device's net backend (which then charges each frame's service time and receives backend faults), or null
    /// when frames go straight to the switch.
    /// </summary>
    public IActorRef? Backend { get; }

    /// <summary>Takes the held frames out without sending them (a device crash loses them).</summary>
    public List<byte[]> TakeHeld()
    {
        var taken = new List<byte[]>(_held);
        _held.Clear();
        return taken;
    }

    /// <summary>Frames transmitted and not yet sent on.</summary>
    public int Held => _held.Count;

    /// <inheritdoc />
    public void Transmit(int queuePair, ReadOnlySpan<byte> frame, in NetHeader header) => _held.Add(frame.ToArray());

    /// <summary>Sends the held frames on (to the backend or the switch) from <paramref name="port"/>.</summary>
    public void Flush(IActorRef port)
    {
        if (Network is null) { _held.Clear(); return; }
        foreach (var f in _held) Network.Tell(new FrameMessage(f), port);
        _held.Clear();
    }
}
