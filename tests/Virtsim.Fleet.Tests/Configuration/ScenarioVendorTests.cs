using Virtsim.Fleet.Vendors;
using Virtsim.Fleet.World;
using Virtsim.Hocon;
using Virtsim.Virtio.Features;

namespace Virtsim.Fleet.Tests.Configuration;

/// <summary>A scenario's <c>vendors</c> block adds, derives, overrides and removes profiles; bad data is positioned.</summary>
public class ScenarioVendorTests
{
    private static string World(string vendor) =>
        $"hosts = [ {{ name = h, vms = [ {{ name = v, devices = [ {{ name = d, type = net, vendor = {vendor} }} ] }} ] }} ]";

    [Fact]
    public void A_scenario_derives_a_new_profile_from_a_built_in_one()
    {
        var spec = ScenarioLoader.Parse("""
            vendors {
              my-nic = ${vendors.acme-vf} {
                subsystem-vendor-id = 0x1234
                extra-features = [notification-data, VIRTIO_F_RING_RESET]
                timing.doorbell-cost = 1us
              }
            }
            """ + "\n" + World("my-nic"));
        var profile = spec.AllDevices().Single().Device.Profile;
        Assert.Equal("my-nic", profile.Name);
        Assert.Equal((ushort)0x1234, profile.SubsystemVendorId);
        Assert.Equal(FeatureSet.Of(FeatureBit.NotificationData, FeatureBit.RingReset), profile.ExtraFeatures);
        Assert.Equal(TimeSpan.FromMicroseconds(1), profile.Timing.DoorbellCost);
        // Everything else is acme-vf's.
        Assert.Equal(VendorProfiles.AcmeVf.Timing with { DoorbellCost = TimeSpan.FromMicroseconds(1) }, profile.Timing);
        Assert.Equal(VendorProfiles.AcmeVf.Quirks, profile.Quirks);
    }

    [Fact]
    public void A_scenario_overrides_a_field_of_a_built_in_profile_by_plain_merge()
    {
        var spec = ScenarioLoader.Parse("vendors.swift-vhost.timing.per-request-cost = 7us\n" + World("swift-vhost"));
        var profile = spec.AllDevices().Single().Device.Profile;
        Assert.Equal(VendorProfiles.SwiftVhost with { Timing = VendorProfiles.SwiftVhost.Timing with { PerRequestCost = TimeSpan.FromMicroseconds(7) } }, profile);
    }

    [Fact]
    public void A_new_profile_needs_only_a_backend_and_a_null_removes_a_profile()
    {
        var spec = ScenarioLoader.Parse("vendors { plain { backend = in-hypervisor } }\n" + World("plain"));
        Assert.Equal(new VendorProfile { Name = "plain", Backend = BackendKind.InHypervisor }, spec.AllDevices().Single().Device.Profile);
        var e = Assert.Throws<HoconException>(() => ScenarioLoader.Parse("vendors.acme-vf = null\n" + World("acme-vf")));
        Assert.Contains("unknown vendor profile 'acme-vf'", e.Message);
    }

    [Theory]
    [InlineData("vendors { x { backend = fpga } }", "unknown backend 'fpga'", 1, 25)]
    [InlineData("vendors { x {\n  backend = vhost-user\n  extra-features = [EVENT_IDX, WARP_DRIVE]\n} }", "unknown feature 'WARP_DRIVE'", 3, 32)]
    [InlineData("vendors {\n  x { backend = vhost-user, timing { doorbell-cost = -2us } }\n}", "doorbell-cost must not be negative", 2, 54)]
    [InlineData("vendors { x { backend = vhost-user, subsystem-vendor-id = 0x10000 } }", "subsystem-vendor-id", 1, 59)]
    [InlineData("vendors { x { backend = vhost-user, timing.parallel-transactions = 0 } }", "parallel-transactions 0", 1, 68)]
    [InlineData("vendors { x { subsystem-vendor-id = 1 } }", "backend", 1, 13)]
    [InlineData("vendors { x = 5 }", "must be an object", 1, 15)]
    [InlineData("vendors { x { backend = vhost-user, quirks.broken-features = [{}] } }", "feature names", 1, 63)]
    public void Bad_vendor_data_is_an_error_at_its_file_line_and_column(string vendors, string expected, int line, int column)
    {
        var e = Assert.Throws<HoconException>(() => ScenarioLoader.Parse(vendors + "\n" + World("x"), "lab.conf"));
        Assert.Contains(expected, e.Message);
        Assert.Equal(new HoconPosition("lab.conf", line, column), e.Position);
    }

    [Fact]
    public void Missing_required_settings_are_reported_at_the_object_that_lacks_them()
    {
        var e = Assert.Throws<HoconException>(() => ScenarioLoader.Parse("hosts = [ { name = h, vms = [ { name = v, devices = [ { name = d, type = blk } ] } ] } ]", "t.conf"));
        Assert.Contains("vendor", e.Message);
        Assert.Equal("t.conf", e.Position!.Value.Source);
        var noHosts = Assert.Throws<HoconException>(() => ScenarioLoader.Parse("scenario.name = x", "t.conf"));
        Assert.Contains("hosts", noHosts.Message);
        Assert.NotNull(noHosts.Position);
    }
}
