using System.Buffers;
using Akka.Actor;
using Virtsim.Fleet.Messages;
using Virtsim.Fleet.Messages.Net;
using Virtsim.Fleet.Messages.Wire;
using Virtsim.Fleet.World;
using Virtsim.Simulation.Interception;

namespace Virtsim.Fleet.MessageFaults;

/// <summary>
/// A scenario's message faults at the simulation's one interception point: each message sent is classified by its
/// protocol type (<see cref="MessageClassifier"/>), the device it concerns found from the receiver's path, else the
/// sender's (<see cref="DeviceDirectory"/>), and the first fault of its class whose window, selector and probability
/// take it decides what happens. Probabilities and delays are drawn from a random source seeded from the run's seed,
/// so a seed replays the faults bit for bit. Installed only when the scenario has message faults.
/// </summary>
public sealed class MessageFaultInterceptor : IDeliveryInterceptor
{
    private readonly List<MessageFaultSpec>[] _byClass;
    private readonly DeviceDirectory _devices;
    private readonly IActorRef _network;
    private readonly Func<TimeSpan> _clock;
    private readonly Random _random;
    private readonly Action<DevicePlan, byte[]> _frameDropped;

    /// <summary>Creates the interceptor.</summary>
    /// <param name="faults">The scenario's message faults, in the order written.</param>
    /// <param name="devices">The world's devices by actor path.</param>
    /// <param name="network">The switch: frames it sends are on the wire.</param>
    /// <param name="clock">The virtual time now.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="frameDropped">Tells the receiving device's workload that a frame was lost on the wire.</param>
    public MessageFaultInterceptor(IReadOnlyList<MessageFaultSpec> faults, DeviceDirectory devices, IActorRef network, Func<TimeSpan> clock, int seed,
        Action<DevicePlan, byte[]> frameDropped)
    {
        ArgumentNullException.ThrowIfNull(faults);
        _devices = devices ?? throw new ArgumentNullException(nameof(devices));
        _network = network ?? throw new ArgumentNullException(nameof(network));
        _clock = clock ?? throw new ArgumentNullException(nameof(clock));
        _frameDropped = frameDropped ?? throw new ArgumentNullException(nameof(frameDropped));
        // Its own stream, apart from the scheduler's: the faults must not shift the interleaving's draws.
        _random = new Random(unchecked(seed * 31) ^ 0x6661_756C);
        _byClass = new List<MessageFaultSpec>[MessageFaultNames.Classes.Count];
        for (int i = 0; i < _byClass.Length; i++) _byClass[i] = [];
        foreach (var f in faults) _byClass[(int)f.Class].Add(f);
    }

    /// <summary>What the faults did so far.</summary>
    public MessageFaultCounts Counts { get; } = new();

    /// <inheritdoc />
    public InterceptDecision Intercept(IActorRef sender, IActorRef receiver, object message)
    {
        bool fromSwitch = message is FrameMessage && _network.Equals(sender);
        if (MessageClassifier.Classify(message, fromSwitch) is not { } c) return InterceptDecision.Deliver;
        var faults = _byClass[(int)c];
        if (faults.Count == 0) return InterceptDecision.Deliver;
        var now = _clock();
        DevicePlan? device = null;
        foreach (var fault in faults)
        {
            if (now < fault.From || now >= fault.Until) continue;
            device ??= _devices.Find(receiver) ?? _devices.Find(sender);
            if (device is null) return InterceptDecision.Deliver;
            if (!fault.MatchesDevice(device.Path, device.Path[..device.Path.IndexOf('/')], device.Spec.Profile.Name)) continue;
            if (fault.Queues.Count > 0 && !fault.Queues.Contains(MessageClassifier.QueueOf(message))) continue;
            if (fault.Probability < 1 && _random.NextDouble() >= fault.Probability) continue;
            return Apply(fault, c, message, device);
        }
        return InterceptDecision.Deliver;
    }

    private InterceptDecision Apply(MessageFaultSpec fault, MessageClass c, object message, DevicePlan device)
    {
        Counts.Add(c, fault.Action);
        switch (fault.Action)
        {
            case MessageFaultAction.Drop:
                if (message is FrameMessage dropped)
                {
                    Counts.FramesDropped++;
                    _frameDropped(device, dropped.Frame);
                }
                return new InterceptDecision(InterceptAction.Drop);
            case MessageFaultAction.Delay:
                return new InterceptDecision(InterceptAction.Delay, (fault.Delay ?? DelayDistribution.Fixed(TimeSpan.Zero)).Draw(_random));
            case MessageFaultAction.Duplicate:
                // A copy, not the same object twice: an actor that stashes refuses the same envelope twice in a row.
                return new InterceptDecision(InterceptAction.Duplicate, Replacement: Copy(message));
            case MessageFaultAction.Reorder:
                return new InterceptDecision(InterceptAction.Overtake);
            default:
                var corrupted = MessageCorruption.Corrupt(message, _random);
                if (corrupted is null) Counts.Unreadable++;
                // Counted where the frame was meant to go: a flooded copy at another port is dropped there unread.
                else if (corrupted is FrameMessage f && f.Frame.AsSpan(0, 6).SequenceEqual(device.Mac)) Counts.FramesCorrupted++;
                return new InterceptDecision(InterceptAction.Replace, Replacement: corrupted);
        }
    }

    private static object Copy(object message)
    {
        if (message is not IWireMessage wire) return message;
        var buffer = new ArrayBufferWriter<byte>(32);
        WireRegistry.WriteFields(wire, buffer);
        return FleetWire.Registry.ReadFields(FleetWire.Registry.TypeId(message.GetType()), buffer.WrittenSpan);
    }
}
