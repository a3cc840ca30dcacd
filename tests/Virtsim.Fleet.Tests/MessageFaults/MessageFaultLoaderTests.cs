using Virtsim.Fleet.MessageFaults;
using Virtsim.Fleet.Tests.Cli;
using Virtsim.Fleet.World;
using Virtsim.Hocon;
using static Virtsim.Fleet.Tests.MessageFaults.MessageFaultWorlds;

namespace Virtsim.Fleet.Tests.MessageFaults;

/// <summary>The <c>kind = message</c> entries of a scenario's faults: what they read into, and every bad input at its position.</summary>
public class MessageFaultLoaderTests
{
    // The faults line of Text(...) is its 14th; each case puts the fault there.
    private const int FaultLine = 14;

    [Fact]
    public void A_message_fault_reads_its_class_action_window_selector_and_delay()
    {
        var spec = Spec("""
            faults = [ { kind = message, class = dma-completion, action = delay, probability = 0.25, from = 2ms, until = 5ms, devices = ["host-a/vm-1/blk0"], queues = [0, 1], hosts = [host-a], vendors = [acme-vf], delay = { uniform = [5us, 50us] } } ]
            """);

        var f = Assert.Single(spec.MessageFaults);
        Assert.Equal(MessageClass.DmaCompletion, f.Class);
        Assert.Equal(MessageFaultAction.Delay, f.Action);
        Assert.Equal(0.25, f.Probability);
        Assert.Equal(TimeSpan.FromMilliseconds(2), f.From);
        Assert.Equal(TimeSpan.FromMilliseconds(5), f.Until);
        Assert.Equal(["host-a/vm-1/blk0"], f.Devices);
        Assert.Equal([0, 1], f.Queues);
        Assert.Equal(new DelayDistribution(DelayShape.Uniform, TimeSpan.FromMicroseconds(5), TimeSpan.FromMicroseconds(50)), f.Delay);
        Assert.Empty(spec.Faults);
    }

    [Fact]
    public void Delays_are_fixed_uniform_or_exponential_and_stay_in_their_range()
    {
        var random = new Random(3);
        var uniform = new DelayDistribution(DelayShape.Uniform, TimeSpan.FromMicroseconds(5), TimeSpan.FromMicroseconds(50));
        var exponential = new DelayDistribution(DelayShape.Exponential, TimeSpan.FromMicroseconds(10));
        var draws = Enumerable.Range(0, 2000).Select(_ => uniform.Draw(random)).ToList();
        Assert.All(draws, d => Assert.InRange(d, TimeSpan.FromMicroseconds(5), TimeSpan.FromMicroseconds(50)));
        double mean = Enumerable.Range(0, 4000).Average(_ => exponential.Draw(random).TotalMicroseconds);
        Assert.InRange(mean, 9, 11);
        Assert.Equal(TimeSpan.FromMicroseconds(20), DelayDistribution.Fixed(TimeSpan.FromMicroseconds(20)).Draw(random));
        Assert.Equal(TimeSpan.FromMicroseconds(7), Spec("faults = [ { kind = message, class = doorbell, action = delay, delay = 7us } ]").MessageFaults[0].Delay!.A);
        Assert.Equal(DelayShape.Exponential, Spec("faults = [ { kind = message, class = doorbell, action = delay, delay = { exponential = 7us } } ]").MessageFaults[0].Delay!.Kind);
    }

    [Theory]
    [InlineData("class = doorbel, action = drop", 38, "unknown message class 'doorbel'")]
    [InlineData("class = doorbell, action = lose", 57, "unknown message fault action 'lose'")]
    [InlineData("class = migration-stream, action = drop, queues = [0]", 80, "a migration-stream fault has no queues")]
    [InlineData("class = migration-stream, action = corrupt, target = descriptor", 83, "use kind = corrupt-memory")]
    [InlineData("class = migration-stream, action = drop, hosts = [host-c]", 80, "no host 'host-c'")]
    [InlineData("class = doorbell, action = drop, probability = 1.5", 77, "probability must be between 0 and 1")]
    [InlineData("class = doorbell, action = drop, probability = -0.1", 77, "probability must be between 0 and 1")]
    [InlineData("class = doorbell, action = drop, from = 5ms, until = 2ms", 83, "must be after from")]
    [InlineData("class = doorbell, action = drop, devices = [\"host-a/vm-9/blk0\"]", 74, "no device 'host-a/vm-9/blk0'")]
    [InlineData("class = doorbell, action = drop, hosts = [host-c]", 72, "no host 'host-c'")]
    [InlineData("class = doorbell, action = drop, vendors = [qemu-emu]", 74, "no device of vendor 'qemu-emu'")]
    [InlineData("class = doorbell, action = drop, queues = [300]", 73, "a queue index is a whole number from 0 to 255")]
    [InlineData("class = doorbell, action = drop, delay = 5us", 71, "delay applies only to action = delay")]
    [InlineData("class = doorbell, action = delay, delay = { normal = 5us }", 72, "a delay distribution is")]
    [InlineData("class = doorbell, action = delay, delay = { uniform = [50us, 5us] }", 84, "uniform takes two durations")]
    [InlineData("class = frame, action = corrupt, target = descriptor", 72, "use kind = corrupt-memory")]
    public void Bad_message_faults_are_reported_at_their_value(string fields, int column, string expected)
    {
        var e = Assert.Throws<HoconException>(() => Spec($"faults = [ {{ kind = message, {fields} }} ]"));
        Assert.Contains(expected, e.Message);
        Assert.Equal(new HoconPosition("faults.conf", FaultLine, column), e.Position);
    }

    [Fact]
    public void A_migration_stream_fault_reads_its_action_window_and_hosts()
    {
        var f = Assert.Single(Spec("""
            faults = [ { kind = message, class = migration-stream, action = drop, probability = 0.5, from = 1ms, until = 9ms, hosts = [host-a] } ]
            """).MessageFaults);
        Assert.Equal(MessageClass.MigrationStream, f.Class);
        Assert.Equal(MessageFaultAction.Drop, f.Action);
        Assert.Equal(0.5, f.Probability);
        Assert.Equal(["host-a"], f.Hosts);
        Assert.Equal("migration-stream", MessageFaultNames.Of(f.Class));
    }

    [Fact]
    public void A_selector_whose_lists_together_name_no_device_is_refused()
    {
        var e = Assert.Throws<HoconException>(() => Spec("""
            faults = [ { kind = message, class = doorbell, action = drop, hosts = [host-a], vendors = [swift-vhost] } ]
            """));
        Assert.Contains("names no device of the scenario", e.Message);
        Assert.Equal(FaultLine, e.Position!.Value.Line);
    }

    [Fact]
    public void The_command_line_exits_2_with_the_files_line_for_a_bad_message_fault()
    {
        string file = Path.Combine(Path.GetTempPath(), "virtsim-faults-" + Guid.NewGuid().ToString("N")[..8] + ".conf");
        File.WriteAllText(file, Text("faults = [ { kind = message, class = interrupt, action = drop, probability = 2 } ]"));
        try
        {
            var (code, output, error) = CrashRecoveryCommandTests.Cli("run", file, "--json");
            Assert.Equal(2, code);
            Assert.Contains($"{Path.GetFileName(file)}:{FaultLine}:", error);
            Assert.Contains("probability must be between 0 and 1", error);
            Assert.DoesNotContain("   at ", error);
            Assert.Equal("", output);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
