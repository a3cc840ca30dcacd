using FsCheck;
using FsCheck.Fluent;
using Virtsim.Experiments.Swarm;
using Virtsim.Fleet.MessageFaults;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Tests.MessageFaults;

/// <summary>The swarm's drawn message faults are valid scenario entries, read back as drawn.</summary>
public class DrawnMessageFaultTests
{
    private static readonly string Base = MessageFaultWorlds.Text("");
    private static readonly WorldSpec BaseSpec = ScenarioLoader.Parse(Base, "base.conf");
    private static readonly FaultSpace Space = new(
        BaseSpec.AllDevices().Select(d => $"{d.Host.Name}/{d.Vm.Name}/{d.Device.Name}").ToList(),
        BaseSpec.Hosts.Select(h => h.Name).ToList(), false, BaseSpec.MaxVirtualTime);

    [Fact]
    public void Every_drawn_plan_reads_back_as_a_scenario_with_the_drawn_message_faults()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(200), Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            var plan = PlanDrawer.Draw(Space, seed, 6);
            var spec = ScenarioLoader.Parse(FaultPlan.ScenarioText(Base, plan, $"seed {seed}"), "drawn.conf");
            var drawn = plan.Where(f => f.Kind == FaultKinds.Message).ToList();
            return spec.MessageFaults.Count == drawn.Count && spec.MessageFaults.Zip(drawn, (read, d) =>
                MessageFaultNames.Of(read.Class) == d.Message!.Class
                && MessageFaultNames.Of(read.Action) == d.Message.Action
                && read.Probability == d.Message.Probability
                && read.From == d.At && read.Until == d.At + d.Duration
                && read.Devices.SequenceEqual([d.Target])
                && (read.Delay?.A ?? TimeSpan.Zero) == d.Message.Delay).All(ok => ok);
        }));
    }
}
