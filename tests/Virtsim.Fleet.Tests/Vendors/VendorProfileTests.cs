using Akka.Actor;
using Virtsim.Fleet.Configuration;
using Virtsim.Simulation.Engine;
using Virtsim.Fleet.Endpoints;
using Virtsim.Fleet.Messages.Config;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Vendors;
using Virtsim.Fleet.World;
using Virtsim.Virtio.Devices;
using Virtsim.Virtio.Devices.Blk;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Memory;

namespace Virtsim.Fleet.Tests.Vendors;

public class VendorProfileTests
{
    private sealed class Probe : ReceiveActor
    {
        public Probe(List<object> inbox) => ReceiveAny(inbox.Add);
    }

    [Fact]
    public void The_hardware_profile_offers_notification_data_forgets_in_order_and_drivers_mask_its_broken_event_idx()
    {
        var offer = VendorProfiles.AcmeVf.RingOffer(RequestDeviceBase.DefaultRingFeatures);
        Assert.True(offer.Has(FeatureBit.NotificationData));
        Assert.False(offer.Has(FeatureBit.InOrder));
        Assert.True(offer.Has(FeatureBit.EventIdx));
        Assert.True(VendorProfiles.DriverMaskFor(VendorProfiles.AcmeVf.SubsystemVendorId).Has(FeatureBit.EventIdx));
        Assert.True(VendorProfiles.DriverMaskFor(VendorProfiles.SwiftVhost.SubsystemVendorId).IsEmpty);
        Assert.False(VendorProfiles.SwiftVhost.RingOffer(RequestDeviceBase.DefaultRingFeatures).Has(FeatureBit.NotificationData));
        Assert.True(VendorProfiles.AcmeVf.Timing.DoorbellCost < VendorProfiles.SwiftVhost.Timing.DoorbellCost);
    }

    [Theory]
    [InlineData(TransportKind.Pci)]
    [InlineData(TransportKind.Mmio)]
    public void A_driver_reads_the_vendor_identity_and_offer_through_config_messages(TransportKind transport)
    {
        using var sim = new Simulator(1);
        var system = sim.CreateSystem("t", FleetReference.Akka);
        var profile = VendorProfiles.AcmeVf;
        var handler = new BlkDevice(new MemoryBlockStore(64), new BlkDeviceOptions { RingFeatures = profile.RingOffer(RequestDeviceBase.DefaultRingFeatures) });
        var memory = new DeviceMemory(GuestMemory.WithSparse(1 << 20));
        var endpoint = system.ActorOf(Props.Create(() => new TransportEndpointActor(transport, handler, memory, profile, system.DeadLetters, 1, new FleetMetrics(), null)), "ep");
        var inbox = new List<object>();
        var driver = system.ActorOf(Props.Create(() => new Probe(inbox)), "driver");

        endpoint.Tell(new ConfigRequest(1, ConfigOperation.Identify), driver);
        endpoint.Tell(new ConfigRequest(2, ConfigOperation.ReadDeviceFeatures), driver);
        endpoint.Tell(new ConfigRequest(3, ConfigOperation.WriteStatus, Value0: 1), driver);
        endpoint.Tell(new ConfigRequest(4, ConfigOperation.ReadStatus), driver);
        sim.RunUntil(() => inbox.Count == 4, TimeSpan.FromMilliseconds(1));

        var replies = inbox.Cast<ConfigReply>().ToList();
        Assert.Equal([1u, 2u, 3u, 4u], replies.Select(r => r.Tag));
        Assert.Equal(profile.SubsystemVendorId, (ushort)replies[0].Value0);
        Assert.Equal((ulong)DeviceType.Block, replies[0].Value1);
        var offered = new FeatureSet(replies[1].Value0, replies[1].Value1);
        Assert.True(offered.Has(FeatureBit.NotificationData) && !offered.Has(FeatureBit.InOrder));
        Assert.Equal(1UL, replies[3].Value0); // ACKNOWLEDGE
    }

    [Fact]
    public void A_costlier_doorbell_makes_the_same_latency_bound_workload_take_longer_in_virtual_time()
    {
        // One request at a time: nothing hides the doorbell's cost (deep queues overlap it).
        var cheap = VendorProfiles.SwiftVhost with { Timing = VendorProfiles.SwiftVhost.Timing with { DoorbellCost = TimeSpan.FromMicroseconds(0.2) } };
        var costly = VendorProfiles.SwiftVhost with { Timing = VendorProfiles.SwiftVhost.Timing with { DoorbellCost = TimeSpan.FromMicroseconds(20) } };
        var fast = FleetRunner.Run(Worlds.OneDevice(Worlds.Blk(TransportKind.Pci, cheap, 300) with { QueueDepth = 1 }), 1);
        var slow = FleetRunner.Run(Worlds.OneDevice(Worlds.Blk(TransportKind.Pci, costly, 300) with { QueueDepth = 1 }), 1);
        Assert.True(fast.Completed && slow.Completed);
        Assert.True(slow.VirtualTime > fast.VirtualTime * 2, $"{slow.VirtualTime} vs {fast.VirtualTime}");
        Assert.True(fast.WallTime > TimeSpan.Zero);
    }

    [Fact]
    public void Interrupt_coalescing_merges_used_buffer_notifications()
    {
        // Frames arrive one by one from the peer; each delivery is its own pass, so a window merges their interrupts.
        var none = VendorProfiles.AcmeVf with { Timing = VendorProfiles.AcmeVf.Timing with { InterruptCoalescing = TimeSpan.Zero } };
        var wide = VendorProfiles.AcmeVf with { Timing = VendorProfiles.AcmeVf.Timing with { InterruptCoalescing = TimeSpan.FromMicroseconds(50) } };
        var a = FleetRunner.Run(Worlds.TwoVmsExchangingFrames(Worlds.Net(TransportKind.Pci, none, 500), Worlds.Net(TransportKind.Pci, VendorProfiles.SwiftVhost, 500)), 1);
        var b = FleetRunner.Run(Worlds.TwoVmsExchangingFrames(Worlds.Net(TransportKind.Pci, wide, 500), Worlds.Net(TransportKind.Pci, VendorProfiles.SwiftVhost, 500)), 1);
        Assert.True(a.Completed && b.Completed);
        Assert.True(b[FleetCounter.MsixInterrupts] < a[FleetCounter.MsixInterrupts],
            $"coalesced {b[FleetCounter.MsixInterrupts]} vs {a[FleetCounter.MsixInterrupts]}");
    }

    [Fact]
    public void Notification_data_lets_hardware_fetch_descriptors_in_parallel()
    {
        var without = VendorProfiles.AcmeVf with { ExtraFeatures = FeatureSet.None };
        var with = VendorProfiles.AcmeVf with { Timing = VendorProfiles.AcmeVf.Timing with { NotificationDataFetchBoost = 8 } };
        var a = FleetRunner.Run(Worlds.OneDevice(Worlds.Blk(TransportKind.Pci, without, 500)), 1);
        var b = FleetRunner.Run(Worlds.OneDevice(Worlds.Blk(TransportKind.Pci, with, 500)), 1);
        Assert.True(a.Completed && b.Completed);
        Assert.True(b.VirtualTime < a.VirtualTime, $"{b.VirtualTime} with NOTIFICATION_DATA vs {a.VirtualTime} without");
    }
}
