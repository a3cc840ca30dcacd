using Akka.Actor;
using Virtsim.Fleet.Messages.Config;
using Virtsim.Fleet.Messages.Doorbell;
using Virtsim.Fleet.Messages.Migration;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Migration;
using Virtsim.Fleet.World;
using Virtsim.Simulation.Engine;
using Virtsim.Simulation.Tracing;

namespace Virtsim.Fleet.Tests.Migrating;

/// <summary>
/// Device switches on the same host (scenario key <c>device-switches</c>, docs/migration.md): a running VM's device goes
/// from a hardware VF to a vhost-user backend and back while its workload runs, its state moved by the migration
/// machinery, without the driver negotiating again; a switch to an implementation that cannot present the negotiated
/// features is refused and the device keeps serving.
/// </summary>
public class DeviceSwitchTests
{
    private static string Scenario(string device, bool packed, bool pool = true, string switches = "") => $$"""
        scenario { name = switch-test, max-virtual-time = 5s }
        hosts = [
          { name = h1, vms = [
            { name = vm1, memory = 128MiB, devices = [
              { name = blk0, type = blk, vendor = acme-vf, packed = {{(packed ? "true" : "false")}}, requests = 1500, queue-depth = 4 {{(pool ? ", migration-pool = [acme-vf, swift-vhost]" : "")}} }
              { name = net0, type = net, vendor = acme-vf, packed = {{(packed ? "true" : "false")}}, requests = 800 {{(pool ? ", migration-pool = [acme-vf, swift-vhost]" : "")}} }
            ] }
          ] }
          { name = h2, vms = [ { name = vm2, devices = [ { name = net0, type = net, vendor = swift-vhost, requests = 800 } ] } ] }
        ]
        device-switches = {{(switches.Length > 0 ? switches : $"[ {{ device = \"h1/vm1/{device}\", vendor = swift-vhost, at = 1ms }}, {{ device = \"h1/vm1/{device}\", vendor = acme-vf, at = 2ms }} ]")}}
        """;

    private static RunReport Run(string scenario, out FleetWorld world, out SwitchObserver seen)
    {
        var spec = ScenarioLoader.Parse(scenario);
        var observer = new SwitchObserver();
        seen = observer;
        return FleetRunner.Run(spec, 5, new RunOptions { Inspect = (_, sim) => sim.Observe(observer) }, out world);
    }

    [Theory]
    [InlineData("blk0", false)]
    [InlineData("blk0", true)]
    [InlineData("net0", false)]
    [InlineData("net0", true)]
    public void A_device_switches_from_a_vf_to_a_vhost_user_backend_and_back_while_its_workload_runs(string device, bool packed)
    {
        var report = Run(Scenario(device, packed), out var world, out var seen);

        Assert.True(report.PassedChecks, report.ToJson());
        Assert.Equal(2, report.Migrations.Count);
        var (there, back) = (report.Migrations[0], report.Migrations[1]);
        foreach (var (m, from, to) in new[] { (there, "acme-vf", "swift-vhost"), (back, "swift-vhost", "acme-vf") })
        {
            Assert.Equal((MigrationOutcome.Completed, MigrationMode.DeviceSwitch, "h1/vm1", "h1", "h1"), (m.Outcome, m.Mode, m.Vm, m.From, m.To));
            Assert.Equal((device, from, to), (m.Device, m.FromVendor, m.ToVendor));
            Assert.Equal((0L, 0), (m.MemoryBytesSent, m.Rounds)); // no memory moves on the same host
            Assert.True(m.DeviceStateBytes > 0);
        }
        // The switched device served on each implementation in turn: at the software backend between the switches,
        // at the VF again after the second.
        Assert.True(seen.Served(true, $"/user/h1/switch0.vm1-{device}") > 0, "nothing reached the device after the switch to vhost-user");
        Assert.True(seen.Served(true, $"/user/h1/switch1.vm1-{device}") > 0, "nothing reached the device after the switch back to the VF");
        // No renegotiation: each driver read the device features once, at its initialisation (3 devices).
        Assert.Equal(3, seen.FeatureReads);
        // Every acknowledged write reads back, none lost or doubled (PassedChecks: no duplicate, no integrity error).
        Assert.Equal((0L, 0L, 0L), (report.AckedWritesLost, report.Duplicates, report.IntegrityErrors));
        var blk = world.Devices.Single(d => d.Path == "h1/vm1/blk0");
        AckedWrites.AssertDurable(world.Disk("h1/vm1/blk0"), blk.Spec, blk.Workload.Blocks);
        Assert.True(world.Devices.All(d => d.Workload.Done));
    }

    [Theory]
    [InlineData("blk0", "net0")]
    [InlineData("net0", "blk0")]
    public void A_switch_stops_and_rebuilds_only_the_switched_device_and_reports_its_own_downtime(string device, string other)
    {
        var report = Run(Scenario(device, packed: false), out _, out var seen);

        Assert.True(report.PassedChecks, report.ToJson());
        Assert.Equal(2, report.Migrations.Count);
        // The other device is the same actor from start to end (one incarnation, never stopped for the switch), served
        // all along, and its driver was neither paused nor pointed elsewhere.
        string otherPath = $"/user/h1/vm1-{other}";
        Assert.Single(seen.Incarnations(otherPath));
        Assert.True(seen.DoorbellsAfter(otherPath, TimeSpan.FromMilliseconds(2)) > 0, $"{other} got no doorbell after the switches");
        Assert.Equal(0, seen.Served(true, $"/user/h1/switch0.vm1-{other}") + seen.Served(true, $"/user/h1/switch1.vm1-{other}"));
        Assert.Equal(0, seen.Stops(otherPath));
        Assert.Equal(0, seen.GuestControl($"/user/h1/vm1/{other}-driver"));
        // Each switch paused the switched device's driver once, pointed it at the new endpoint and resumed it.
        Assert.Equal(2 * 3, seen.GuestControl($"/user/h1/vm1/{device}-driver"));
        // Its downtime is the switched device's own: from its stop at the old implementation to its resume at the new.
        var there = report.Migrations[0];
        var (stopped, resumed) = (seen.StopAt[$"/user/h1/vm1-{device}"], seen.ResumeAt[$"/user/h1/switch0.vm1-{device}"]);
        Assert.Equal(resumed - stopped, there.Downtime);
        var back = report.Migrations[1];
        Assert.Equal(seen.ResumeAt[$"/user/h1/switch1.vm1-{device}"] - seen.StopAt[$"/user/h1/switch0.vm1-{device}"], back.Downtime);
        if (device == "blk0") Assert.True(there.Downtime > TimeSpan.Zero, "a blk device's stop waits for its flush");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Frames_the_old_implementation_held_move_with_the_switched_net_device_instead_of_being_lost(bool packed)
    {
        // A journal that answers after 20 us keeps the device stopped while frames for it keep coming from h2/vm2: the
        // old implementation holds them (received, waiting for the guest) when the new one takes over.
        var spec = ScenarioLoader.Parse(Scenario("net0", packed));
        var report = FleetRunner.Run(spec, 5, new RunOptions { Akka = Simulator.StoreLatency(TimeSpan.FromMicroseconds(20)) }, out var world);

        Assert.Equal(2, report.Migrations.Count);
        Assert.All(report.Migrations, m => Assert.Equal(MigrationOutcome.Completed, m.Outcome));
        Assert.All(report.Migrations, m => Assert.True(m.Downtime >= TimeSpan.FromMicroseconds(40), $"downtime {m.Downtime}"));
        // The network did not change: every frame the old implementation held went on with the device.
        Assert.True(report[FleetCounter.FramesMovedBySwitch] > 0, report.ToJson());
        Assert.Equal(0, report[FleetCounter.FramesLostByMigration]);
        Assert.Equal((0L, 0L), (report.Lost, report.FramesDroppedByCrash));
        Assert.True(report.PassedChecks, report.ToJson());
        Assert.True(world.Devices.All(d => d.Workload.Done));
    }

    [Fact]
    public void A_switch_to_an_implementation_that_cannot_present_the_negotiated_features_is_refused_and_the_device_keeps_serving()
    {
        // Without a pool the VF's driver negotiated NOTIFICATION_DATA, which the software backend does not implement.
        var report = Run(Scenario("blk0", packed: false, pool: false,
            switches: """[ { device = "h1/vm1/blk0", vendor = swift-vhost, at = 1ms } ]"""), out var world, out var seen);

        var m = Assert.Single(report.Migrations);
        Assert.Equal((MigrationOutcome.Refused, MigrationMode.DeviceSwitch), (m.Outcome, m.Mode));
        Assert.Contains("blk0: swift-vhost cannot present the negotiated feature NOTIFICATION_DATA (bit 38)", m.Reason);
        Assert.Equal(TimeSpan.Zero, m.Downtime);
        Assert.Equal(0, seen.Served(true, "/user/h1/switch0.vm1-blk0"));
        Assert.True(report.PassedChecks, report.ToJson());
        Assert.True(world.Devices.All(d => d.Workload.Done));
        var blk = world.Devices.Single(d => d.Path == "h1/vm1/blk0");
        AckedWrites.AssertDurable(world.Disk("h1/vm1/blk0"), blk.Spec, blk.Workload.Blocks);
    }

    /// <summary>
    /// Counts doorbells and frames by receiving endpoint, the drivers' reads of the device features, the incarnations
    /// (actor uids) that took doorbells at each path and when, the migration stops and resumes each endpoint got, and
    /// the guest-control messages (pause, resume, switch) each driver got.
    /// </summary>
    private sealed class SwitchObserver : IDeliveryObserver
    {
        private readonly ArrivalCounter _arrivals = new();
        private readonly Dictionary<string, HashSet<long>> _uids = new(StringComparer.Ordinal);
        private readonly List<(string Path, TimeSpan At)> _doorbells = [];
        private readonly Dictionary<string, int> _guestControl = new(StringComparer.Ordinal);

        public Dictionary<string, TimeSpan> StopAt { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, TimeSpan> ResumeAt { get; } = new(StringComparer.Ordinal);

        public IReadOnlyCollection<long> Incarnations(string endpoint) => _uids.GetValueOrDefault(endpoint) ?? [];

        public int DoorbellsAfter(string endpoint, TimeSpan at) => _doorbells.Count(d => d.Path == endpoint && d.At > at);

        public int Stops(string endpoint) => StopAt.ContainsKey(endpoint) ? 1 : 0;

        public int GuestControl(string driver) => _guestControl.GetValueOrDefault(driver);

        public int FeatureReads { get; private set; }

        public int Served(bool byDoorbell, string endpoint) =>
            (byDoorbell ? _arrivals.Doorbells : _arrivals.Frames).GetValueOrDefault(endpoint);

        public void OnDelivered(TimeSpan at, IActorRef sender, IActorRef receiver, object message)
        {
            _arrivals.OnDelivered(at, sender, receiver, message);
            string path = receiver.Path.ToStringWithoutAddress();
            switch (message)
            {
                case ConfigReply { Operation: ConfigOperation.ReadDeviceFeatures }:
                    FeatureReads++;
                    break;
                case DoorbellMessage:
                    (_uids.TryGetValue(path, out var uids) ? uids : _uids[path] = []).Add(receiver.Path.Uid);
                    _doorbells.Add((path, at));
                    break;
                case StopForMigration:
                    StopAt[path] = at;
                    break;
                case ResumeAfterMigration:
                    ResumeAt[path] = at;
                    break;
                case PauseGuest or ResumeGuest or SwitchEndpoint:
                    _guestControl[path] = _guestControl.GetValueOrDefault(path) + 1;
                    break;
            }
        }
    }
}
