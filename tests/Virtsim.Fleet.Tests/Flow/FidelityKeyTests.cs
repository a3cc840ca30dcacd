using Virtsim.Fleet.Flow;
using Virtsim.Fleet.Tests.Cli;
using Virtsim.Fleet.World;
using Virtsim.Hocon;

namespace Virtsim.Fleet.Tests.Flow;

public class FidelityKeyTests
{
    private static WorldSpec Load(string text) => ScenarioLoader.Parse(text, "f.conf");

    private static Dictionary<string, Fidelity> Fidelities(WorldSpec spec) =>
        spec.Hosts.SelectMany(h => h.Vms.SelectMany(v => v.Devices.Select(d => ($"{h.Name}/{v.Name}/{d.Name}", d.Fidelity))))
            .ToDictionary(x => x.Item1, x => x.Fidelity);

    [Fact]
    public void Ring_is_the_default_and_device_vm_host_and_defaults_set_it_nearest_first()
    {
        var spec = Load("""
            defaults { net { fidelity = flow } }
            hosts = [
              { name = h1, vms = [ { name = v, devices = [ { name = b, type = blk, vendor = acme-vf }, { name = n, type = net, vendor = acme-vf } ] } ] }
              { name = h2, fidelity = flow, vms = [
                { name = v, devices = [ { name = b, type = blk, vendor = acme-vf }, { name = c, type = blk, vendor = acme-vf, fidelity = ring } ] }
                { name = w, fidelity = ring, devices = [ { name = n, type = net, vendor = acme-vf } ] }
              ] }
            ]
            """);
        var f = Fidelities(spec);
        Assert.Equal(Fidelity.Ring, f["h1/v/b"]);
        Assert.Equal(Fidelity.Flow, f["h1/v/n"]);
        Assert.Equal(Fidelity.Flow, f["h2/v/b"]);
        Assert.Equal(Fidelity.Ring, f["h2/v/c"]);
        Assert.Equal(Fidelity.Ring, f["h2/w/n"]);
    }

    [Fact]
    public void A_bad_fidelity_is_an_error_at_its_value()
    {
        var ex = Assert.Throws<HoconException>(() => Load("""
            hosts = [ { name = h, vms = [ { name = v, devices = [
              { name = b, type = blk, vendor = acme-vf, fidelity = fast }
            ] } ] } ]
            """));
        Assert.StartsWith("f.conf:2:56: unknown fidelity 'fast' (ring or flow)", ex.Message);
    }

    [Fact]
    public void Virtsim_run_reports_a_bad_fidelity_with_file_line_and_column_and_exits_2()
    {
        var path = Path.Combine(Path.GetTempPath(), $"virtsim-fidelity-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, "hosts = [ { name = h, vms = [ { name = v, devices = [\n  { name = d, type = blk, vendor = acme-vf, fidelity = fast }\n] } ] } ]\n");
        try
        {
            var (code, output, error) = CrashRecoveryCommandTests.Cli("run", path);
            Assert.Equal(2, code);
            Assert.Contains($"{Path.GetFileName(path)}:2:56: unknown fidelity 'fast' (ring or flow)", error);
            Assert.DoesNotContain("trace hash", output);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_crash_fault_on_a_flow_device_is_refused_with_its_position()
    {
        var ex = Assert.Throws<HoconException>(() => Load("""
            defaults { device { fidelity = flow } }
            hosts = [ { name = h, vms = [ { name = v, devices = [ { name = b, type = blk, vendor = acme-vf } ] } ] } ]
            faults = [ { at = 1us, kind = backend-crash, device = "h/v/b" } ]
            """));
        Assert.Contains("f.conf:3:", ex.Message);
        Assert.Contains("backend-crash needs a device at fidelity = ring", ex.Message);
    }

    [Fact]
    public void Ring_sample_keeps_that_share_at_ring_by_seed_and_path_whatever_the_fleet_size()
    {
        static string Fleet(int hosts, int seed) =>
            $"scenario {{ seed = {seed}, ring-sample = 0.1 }}\ndefaults {{ device {{ fidelity = flow }} }}\nhosts = [\n"
            + string.Join("\n", Enumerable.Range(0, hosts).Select(h =>
                $"{{ name = h{h}, vms = [ {{ name = v, devices = [ {{ name = b, type = blk, vendor = acme-vf }}, {{ name = p, type = blk, vendor = acme-vf, fidelity = flow }} ] }} ] }}"))
            + "\n]\n";
        var small = Fidelities(Load(Fleet(100, 42)));
        var large = Fidelities(Load(Fleet(1000, 42)));
        foreach (var (path, fidelity) in small) Assert.Equal(fidelity, large[path]);
        // Devices naming their own fidelity are never sampled.
        Assert.All(large.Where(kv => kv.Key.EndsWith("/p", StringComparison.Ordinal)), kv => Assert.Equal(Fidelity.Flow, kv.Value));
        int ring = large.Count(kv => kv.Key.EndsWith("/b", StringComparison.Ordinal) && kv.Value == Fidelity.Ring);
        Assert.InRange(ring, 70, 130); // 10% of 1,000
        var otherSeed = Fidelities(Load(Fleet(1000, 43)));
        Assert.NotEqual(large.Where(kv => kv.Value == Fidelity.Ring).Select(kv => kv.Key), otherSeed.Where(kv => kv.Value == Fidelity.Ring).Select(kv => kv.Key));
    }

    [Fact]
    public void Ring_sample_outside_zero_to_one_is_an_error()
    {
        var ex = Assert.Throws<HoconException>(() => Load("scenario { ring-sample = 1.5 }"));
        Assert.Contains("ring-sample", ex.Message);
        Assert.Contains("f.conf:1:", ex.Message);
    }
}
