using FsCheck;
using FsCheck.Fluent;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Tests.MessageFaults;
using Virtsim.Fleet.World;
using Virtsim.Hocon;

namespace Virtsim.Fleet.Tests.Faults;

/// <summary>
/// <c>{ kind = clock-skew, hosts, from, until, offset, drift }</c>: a host's clock runs off true virtual time, and the
/// timers its actors set for themselves (a device's dma-timeout among them) follow it: a fast clock gives a DMA up
/// before it could complete (DEVICE_NEEDS_RESET, the driver recovers), a clock fast for good keeps the device from
/// recovering, and a clock that steps ahead fires pending timeouts at once.
/// </summary>
public class ClockSkewTests
{
    private static RunReport Run(string faults, string extra = "", int seed = 5) =>
        MessageFaultWorlds.Run($"faults = [ {faults} ]\n{extra}", seed);

    [Fact]
    public void A_fast_clock_in_a_window_gives_dma_up_early_and_the_driver_recovers()
    {
        var report = Run("{ kind = clock-skew, hosts = [host-a], from = 300us, until = 320us, drift = 10000 }");

        Assert.True(report[FleetCounter.ClockSkewedTimers] > 0, report.ToJson());
        Assert.True(report[FleetCounter.DmaTimeouts] >= 1, "the fast clock gave no DMA up");
        Assert.True(report[FleetCounter.DriverRecoveries] >= 1, "the driver never reset the device");
        Assert.All(report.Invariants, i => Assert.True(i.Held, $"{i.Name}: {i.Reason}"));
    }

    [Fact]
    public void Without_skew_no_dma_times_out()
    {
        var report = MessageFaultWorlds.Run("");

        Assert.Equal(0, report[FleetCounter.DmaTimeouts]);
        Assert.Equal(0, report[FleetCounter.ClockSkewedTimers]);
        Assert.Equal(0, report[FleetCounter.DeviceNeedsReset]);
    }

    [Fact]
    public void A_clock_fast_for_good_keeps_the_hardware_device_from_recovering()
    {
        var report = Run("{ kind = clock-skew, hosts = [host-a], from = 300us, drift = 10000 }", "scenario.max-virtual-time = 5ms");

        var recovers = MessageFaultWorlds.Invariant(report, "driver-recovers");
        Assert.False(recovers.Held);
        Assert.Contains("host-a/vm-1/blk0", recovers.Reason, StringComparison.Ordinal);
        Assert.Contains("dma-timeout", recovers.Reason, StringComparison.Ordinal);
        // host-b's clock is true: its devices finish.
        Assert.DoesNotContain("host-b", recovers.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_clock_stepping_ahead_fires_pending_timeouts_at_once()
    {
        var report = Run("{ kind = clock-skew, hosts = [host-a], from = 300us, offset = 20ms }");

        Assert.True(report[FleetCounter.ClockSteppedTimers] >= 1, report.ToJson());
        Assert.Equal(0, report[FleetCounter.ClockSkewedTimers]);
        Assert.True(report[FleetCounter.DmaTimeouts] >= 1, "no pending DMA timeout fired at the step");
        Assert.All(report.Invariants, i => Assert.True(i.Held, $"{i.Name}: {i.Reason}"));
    }

    [Fact]
    public void A_seed_replays_a_skewed_run_bit_for_bit()
    {
        const string skew = "{ kind = clock-skew, hosts = [host-a], from = 300us, until = 320us, drift = 10000, offset = 5us }";
        var first = Run(skew, seed: 9);
        var second = Run(skew, seed: 9);

        Assert.Equal(first.TraceHash, second.TraceHash);
        Assert.Equal(first[FleetCounter.ClockSkewedTimers], second[FleetCounter.ClockSkewedTimers]);
        Assert.NotEqual(MessageFaultWorlds.Run("", seed: 9).TraceHash, first.TraceHash);
    }

    [Fact]
    public void The_shipped_scenario_recovers_from_its_skew_and_corruptions()
    {
        string path = Path.Combine(Virtsim.Hocon.Tests.RepositoryConfigs.Root(), "scenarios", "clock-skew.conf");
        var spec = ScenarioLoader.Parse(File.ReadAllText(path), "clock-skew.conf");
        var report = FleetRunner.Run(spec, 5);

        Assert.True(report[FleetCounter.DmaTimeouts] >= 1, report.ToJson());
        Assert.True(report[FleetCounter.FaultsInjected] >= 1, report.ToJson());
        Assert.True(report[FleetCounter.DriverRecoveries] >= report[FleetCounter.DmaTimeouts] + report[FleetCounter.FaultsInjected], report.ToJson());
        Assert.All(report.Invariants, i => Assert.True(i.Held, $"{i.Name}: {i.Reason}"));
    }

    [Theory]
    [InlineData("hosts = [host-c], drift = 2", "no host 'host-c'")]
    [InlineData("hosts = [host-a], drift = 0", "drift is the host clock's rate")]
    [InlineData("hosts = [host-a], drift = -1.5", "drift is the host clock's rate")]
    [InlineData("hosts = [host-a], from = 2ms, until = 1ms, drift = 2", "must be after from")]
    [InlineData("hosts = [host-a]", "needs an offset or a drift")]
    [InlineData("hosts = [], drift = 2", "at least one host")]
    [InlineData("drift = 2", "needs hosts")]
    [InlineData("hosts = [host-a], at = 1ms, drift = 2", "has no 'at'")]
    public void Bad_clock_skews_are_errors_at_their_position(string fields, string message)
    {
        var ex = Assert.Throws<HoconException>(() => MessageFaultWorlds.Spec($"faults = [ {{ kind = clock-skew, {fields} }} ]"));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.Matches(@"faults\.conf:\d+:\d+:", ex.Message);
    }

    [Fact]
    public void A_host_takes_one_clock_skew()
    {
        var ex = Assert.Throws<HoconException>(() => MessageFaultWorlds.Spec(
            "faults = [ { kind = clock-skew, hosts = [host-a], drift = 2 }, { kind = clock-skew, hosts = [host-b, host-a], offset = 1us } ]"));
        Assert.Contains("host 'host-a' already has a clock-skew fault", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_clock_skew_reads_back_with_its_values()
    {
        var spec = MessageFaultWorlds.Spec("faults = [ { kind = clock-skew, hosts = [host-b], from = 1ms, until = 5ms, offset = -50us, drift = 0.5 } ]");

        Assert.Equal([new ClockSkewSpec(["host-b"], TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(5), TimeSpan.FromMicroseconds(-50), 0.5)],
            spec.ClockSkews.Select(s => s with { Hosts = s.Hosts }), new SkewComparer());
        Assert.Empty(spec.Faults);
    }

    private sealed class SkewComparer : IEqualityComparer<ClockSkewSpec>
    {
        public bool Equals(ClockSkewSpec? x, ClockSkewSpec? y) => x is not null && y is not null && x.Hosts.SequenceEqual(y.Hosts)
            && x.From == y.From && x.Until == y.Until && x.Offset == y.Offset && x.Drift == y.Drift;

        public int GetHashCode(ClockSkewSpec obj) => obj.From.GetHashCode();
    }

    // The host clock's reading at true time t, written apart from ClockSkewSpec: true time plus what the drift gained in the window.
    private static double HostTime(ClockSkewSpec s, long t) =>
        t + (s.Drift - 1) * (Math.Clamp(t, s.From.Ticks, s.Until.Ticks) - (double)s.From.Ticks);

    [Fact]
    public void The_virtual_delay_is_the_time_the_host_clock_takes_to_count_the_delay()
    {
        var cases = (from start in Gen.Choose(0, 10_000)
                     from length in Gen.Choose(1, 10_000)
                     from drift in Gen.Elements(0.01, 0.5, 1.0, 1.5, 3.0, 1000.0)
                     from now in Gen.Choose(0, 25_000)
                     from delay in Gen.Choose(0, 30_000)
                     select (start, length, drift, now, delay)).ToArbitrary();
        Prop.ForAll(cases, c =>
        {
            var skew = new ClockSkewSpec(["h"], TimeSpan.FromTicks(c.start * 10L), TimeSpan.FromTicks((c.start + c.length) * 10L), TimeSpan.Zero, c.drift);
            long now = c.now * 10L, delay = c.delay * 10L;
            long wait = skew.VirtualDelay(TimeSpan.FromTicks(now), TimeSpan.FromTicks(delay)).Ticks;
            double counted = HostTime(skew, now + wait) - HostTime(skew, now);
            // Rounded to whole ticks: off by at most half a tick of true time (drift/2 of host time in the window), never 0 for a delay.
            return (Math.Abs(counted - delay) <= Math.Max(c.drift, 1) / 2 + 1e-6 || (delay > 0 && wait == 1))
                && (c.drift != 1 || wait == delay) && wait >= 0;
        }).QuickCheckThrowOnFailure();
    }
}
