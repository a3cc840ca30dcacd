using System.Buffers.Binary;
using Akka.Actor;
using Virtsim.Fleet.Configuration;
using Virtsim.Simulation.Engine;
using Virtsim.Fleet.Endpoints;
using Virtsim.Fleet.Messages.Net;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Vendors;
using Virtsim.Fleet.Workloads;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Tests.Network;

/// <summary>A net workload told of frames a crash destroyed: it stops waiting for them, and a lost frame that arrives anyway is a duplicate.</summary>
public class NetWorkloadLossTests
{
    private static readonly byte[] Mine = [0x52, 0x54, 0, 0, 0, 1];
    private static readonly byte[] Peer = [0x52, 0x54, 0, 0, 0, 2];

    private sealed class Sink : ReceiveActor
    {
        public Sink() => ReceiveAny(_ => { });
    }

    private sealed class Rig : IDisposable
    {
        public readonly Simulator Sim = new(1);
        public readonly ActorSystem System;
        public readonly FleetMetrics Metrics = new();
        public readonly DevicePlan Plan;
        public readonly IActorRef Workload;

        public Rig(int expected)
        {
            System = Sim.CreateSystem("t", FleetReference.Akka);
            var driver = System.ActorOf(Props.Create(() => new Sink()), "driver");
            // Sends nothing itself (0 requests); expects frames from its peer.
            Plan = new DevicePlan(Worlds.Net(TransportKind.Pci, VendorProfiles.SwiftVhost, 0), "h/vm/net0", 0, Mine, Peer, expected, null,
                new WorkloadResult { Path = "h/vm/net0" });
            var plan = Plan;
            var metrics = Metrics;
            Workload = System.ActorOf(Props.Create(() => new NetWorkloadActor(driver, plan, TimeSpan.Zero, metrics)), "app");
            Sim.RunFor(TimeSpan.FromMicroseconds(1));
        }

        public void Send(object message)
        {
            Workload.Tell(message, ActorRefs.NoSender);
            Sim.RunFor(TimeSpan.FromMicroseconds(1));
        }

        public void Dispose() => Sim.Dispose();
    }

    private static byte[] Frame(uint sequence)
    {
        var f = new byte[64];
        Mine.CopyTo(f, 0);
        Peer.CopyTo(f, 6);
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(12), NetWorkloadActor.EtherType);
        BinaryPrimitives.WriteUInt32LittleEndian(f.AsSpan(14), sequence);
        BinaryPrimitives.WriteUInt64LittleEndian(f.AsSpan(56), Checksum.Of(f.AsSpan(0, 56)));
        return f;
    }

    [Fact]
    public void Frames_reported_lost_count_towards_done_and_are_not_completions()
    {
        using var rig = new Rig(expected: 3);
        rig.Send(new FrameMessage(Frame(0)));
        rig.Send(new NetWorkloadActor.FramesLost([Frame(1), Frame(1)])); // the same frame twice counts once
        Assert.False(rig.Plan.Workload.Done);
        rig.Send(new FrameMessage(Frame(2)));

        var r = rig.Plan.Workload;
        Assert.True(r.Done);
        Assert.Equal(2, r.Completed);
        Assert.Equal(1, r.DroppedByCrash);
        Assert.Equal(0, r.Duplicates);
        Assert.Equal(1, rig.Metrics.WorkloadsDone);
    }

    [Fact]
    public void A_frame_both_reported_lost_and_delivered_is_a_duplicate_either_way_round()
    {
        using var rig = new Rig(expected: 4);
        rig.Send(new NetWorkloadActor.FramesLost([Frame(0)]));
        rig.Send(new FrameMessage(Frame(0)));   // lost, then delivered
        rig.Send(new FrameMessage(Frame(1)));
        rig.Send(new NetWorkloadActor.FramesLost([Frame(1)])); // delivered, then reported lost

        var r = rig.Plan.Workload;
        Assert.Equal(2, r.Duplicates);
        Assert.Equal(1, r.Completed);
        Assert.Equal(1, r.DroppedByCrash);
        Assert.False(r.Done);
    }

    [Fact]
    public void Lost_frames_for_another_mac_or_with_a_bad_checksum_are_ignored()
    {
        using var rig = new Rig(expected: 1);
        var other = Frame(0);
        other[5] = 9;
        var corrupt = Frame(0);
        corrupt[20] ^= 1;
        rig.Send(new NetWorkloadActor.FramesLost([other, corrupt]));
        Assert.Equal(0, rig.Plan.Workload.DroppedByCrash);
        Assert.False(rig.Plan.Workload.Done);
    }
}
