using Virtsim.Fleet.Configuration;
using Virtsim.Fleet.Devices;
using Virtsim.Fleet.Vendors;
using Virtsim.Fleet.World;
using Virtsim.Virtio.Features;

namespace Virtsim.Fleet.Tests.Configuration;

/// <summary>The fleet's reference.conf parses and states exactly the defaults the records and the old C# profiles had.</summary>
public class FleetReferenceTests
{
    private const string OneDevice = "hosts = [ { name = h, vms = [ { name = v, devices = [ { name = d, type = blk, vendor = swift-vhost } ] } ] } ]";

    [Fact]
    public void Reference_parses_and_an_unset_scenario_gets_the_record_defaults()
    {
        Assert.True(FleetReference.Config.HasPath("virtsim.fleet.vendors.acme-vf"));
        var spec = ScenarioLoader.Parse(OneDevice);
        var world = new WorldSpec();
        Assert.Equal("scenario", spec.Name);
        Assert.Equal((world.DefaultSeed, world.SwitchLatency, world.MaxVirtualTime, world.StallTimeout),
            (spec.DefaultSeed, spec.SwitchLatency, spec.MaxVirtualTime, spec.StallTimeout));
        var (_, vm, device) = spec.AllDevices().Single();
        var vmDefaults = new VmSpec { Name = "v" };
        Assert.Equal((vmDefaults.MemoryBytes, vmDefaults.VcpuCostPerRequest), (vm.MemoryBytes, vm.VcpuCostPerRequest));
        Assert.Equal((vmDefaults.DirtyRate, vmDefaults.WorkingSetBytes), (vm.DirtyRate, vm.WorkingSetBytes));
        Assert.Equal(new HostSpec { Name = "h" }.Bandwidth, spec.Hosts[0].Bandwidth);
        Assert.Equal(new DeviceSpec { Name = "d", Kind = DeviceKind.Blk, Profile = VendorProfiles.SwiftVhost }, device);
    }

    [Fact]
    public void Vendor_defaults_are_the_profile_record_defaults()
    {
        var loaded = VendorProfileLoader.Load(
            Virtsim.Hocon.HoconConfig.Parse("x { backend = vhost-user }"), FleetReference.Fleet.GetConfig("vendor-defaults"));
        Assert.Equal(new VendorProfile { Name = "x", Backend = BackendKind.VhostUser }, Assert.Single(loaded));
    }

    /// <summary>
    /// The profiles as the C# code built them before they moved to HOCON (durations in the ticks that
    /// TimeSpan.FromMicroseconds produced: 0.08us and 0.02us truncated to 0, 0.25us to 200ns).
    /// </summary>
    [Fact]
    public void Built_in_profiles_equal_the_former_csharp_profiles()
    {
        var acme = new VendorProfile
        {
            Name = "acme-vf",
            Backend = BackendKind.HardwareVf,
            SubsystemVendorId = 0x1D0F,
            ExtraFeatures = FeatureSet.Of(FeatureBit.NotificationData),
            Quirks = new VendorQuirks(FeatureSet.Of(FeatureBit.EventIdx), FeatureSet.Of(FeatureBit.InOrder)),
            Timing = new VendorTiming
            {
                DoorbellCost = TimeSpan.FromMicroseconds(0.2),
                DmaLatencyPerTransaction = TimeSpan.FromMicroseconds(0.6),
                ParallelTransactions = 8,
                NotificationDataFetchBoost = 4,
                PerRequestCost = TimeSpan.FromMicroseconds(0.5),
                PerKibCost = TimeSpan.FromMicroseconds(0.08),
                InterruptCoalescing = TimeSpan.FromMicroseconds(8),
                InterruptCost = TimeSpan.FromMicroseconds(0.5),
            },
        };
        var swift = new VendorProfile
        {
            Name = "swift-vhost",
            Backend = BackendKind.VhostUser,
            SubsystemVendorId = 0x1AF4,
            WithheldFeatures = FeatureSet.Of(FeatureBit.NotificationData),
            Timing = new VendorTiming
            {
                DoorbellCost = TimeSpan.FromMicroseconds(2),
                DmaLatencyPerTransaction = TimeSpan.FromMicroseconds(0.02),
                ParallelTransactions = 1,
                PerRequestCost = TimeSpan.FromMicroseconds(3),
                PerKibCost = TimeSpan.FromMicroseconds(0.25),
                InterruptCoalescing = TimeSpan.Zero,
                InterruptCost = TimeSpan.FromMicroseconds(2),
            },
        };
        var qemu = swift with
        {
            Name = "qemu-emu",
            Backend = BackendKind.InHypervisor,
            Timing = swift.Timing with { DoorbellCost = TimeSpan.FromMicroseconds(4), PerRequestCost = TimeSpan.FromMicroseconds(5) },
        };
        Assert.Equal([acme, swift, qemu], VendorProfiles.All.Take(3));
        Assert.Equal("nimble-vdpa", VendorProfiles.All[3].Name); // added with live migration (MigrationScenarioTests)
        Assert.Same(VendorProfiles.All[0], VendorProfiles.AcmeVf);
        Assert.Equal(qemu, VendorProfiles.Find("QEMU-EMU"));
        Assert.Equal(FeatureSet.Of(FeatureBit.EventIdx), VendorProfiles.DriverMaskFor(0x1D0F));
    }

    [Theory]
    [InlineData("NOTIFICATION_DATA")]
    [InlineData("VIRTIO_F_NOTIFICATION_DATA")]
    [InlineData("notification-data")]
    [InlineData("BIT_38")]
    public void Feature_names_have_several_spellings(string name)
    {
        Assert.True(FeatureNameParser.TryParse(name, out int bit));
        Assert.Equal(FeatureBit.NotificationData, bit);
    }

    [Theory]
    [InlineData("NOTIFICATION_DAT")]
    [InlineData("BIT_128")]
    [InlineData("BIT_-1")]
    [InlineData("")]
    public void Unknown_feature_names_are_refused(string name) => Assert.False(FeatureNameParser.TryParse(name, out _));
}
