using Virtsim.Actors.Actors;
using Virtsim.Actors.Tests.TestKit;

namespace Virtsim.Actors.Tests.Actors;

public class LifecycleTests
{
    public static TheoryData<DispatcherKind> Both => ActorTestKit.BothDispatchers;

    [Theory, MemberData(nameof(Both))]
    public void Hooks_run_in_order_through_start_restart_and_stop(DispatcherKind kind)
    {
        using var kit = new ActorTestKit(kind);
        var report = kit.CreateProbe("report");
        var actor = kit.ActorOf(Props.Create(() => new LifecycleActor(report.Ref)), "life");
        report.Watch(actor);

        report.ExpectMsg("PreStart");
        actor.Tell("fail", null);
        report.ExpectMsg("PreRestart:fail");
        report.ExpectMsg("PostStop");
        report.ExpectMsg("PostRestart:boom");
        report.ExpectMsg("PreStart");
        report.Send(actor, "ping");
        report.ExpectMsg("pong");
        kit.System.Stop(actor);
        report.ExpectMsg("PostStop");
        report.ExpectTerminated(actor);
    }

    [Theory, MemberData(nameof(Both))]
    public void Children_stop_before_their_parent(DispatcherKind kind)
    {
        using var kit = new ActorTestKit(kind);
        var report = kit.CreateProbe("report");
        var parent = kit.ActorOf(Props.Create(() => new Parent(report.Ref)), "parent");
        report.ExpectMsg("PreStart");
        report.ExpectMsg("PreStart");

        kit.System.Stop(parent);

        report.ExpectMsg("child PostStop");
        report.ExpectMsg("parent PostStop");
    }

    private sealed class Parent : ReceiveActor
    {
        private readonly Refs.IActorRef _report;

        public Parent(Refs.IActorRef report)
        {
            _report = report;
            Context.ActorOf(Props.Create(() => new Child(report)), "child");
        }

        protected override void PreStart() => _report.Tell("PreStart", null);
        protected override void PostStop() => _report.Tell("parent PostStop", null);
    }

    private sealed class Child(Refs.IActorRef report) : ReceiveActor
    {
        protected override void PreStart() => report.Tell("PreStart", null);
        protected override void PostStop() => report.Tell("child PostStop", null);
    }

    [Theory, MemberData(nameof(Both))]
    public void Child_names_are_unique_among_siblings_and_free_again_after_stop(DispatcherKind kind)
    {
        using var kit = new ActorTestKit(kind);
        var probe = kit.CreateProbe();
        var first = kit.ActorOf(Props.Create<EchoActor>(), "vm-3");
        Assert.Throws<InvalidActorNameException>(() => kit.ActorOf(Props.Create<EchoActor>(), "vm-3"));
        Assert.Throws<InvalidActorNameException>(() => kit.ActorOf(Props.Create<EchoActor>(), "a/b"));
        Assert.Throws<InvalidActorNameException>(() => kit.ActorOf(Props.Create<EchoActor>(), "$reserved"));
        probe.Watch(first);

        kit.System.Stop(first);
        probe.ExpectTerminated(first);

        Assert.True(kit.AwaitCondition(() =>
        {
            try
            {
                kit.ActorOf(Props.Create<EchoActor>(), "vm-3");
                return true;
            }
            catch (InvalidActorNameException)
            {
                return false; // the parent has not processed the termination yet
            }
        }));
    }

    [Theory, MemberData(nameof(Both))]
    public void Paths_name_the_node_and_the_hierarchy(DispatcherKind kind)
    {
        using var kit = new ActorTestKit(kind, node: "host-a");
        var probe = kit.CreateProbe();
        var host = kit.ActorOf(Props.Create(() => new SupervisorActor(Virtsim.Actors.Supervision.SupervisorStrategy.Default)), "host-1");
        probe.Send(host, Props.Create<EchoActor>());
        var vm = probe.ExpectMsg<Refs.IActorRef>();

        Assert.Equal("host-a", vm.Path.Node);
        Assert.Equal("/user/host-1/child", vm.Path.Path);
        Assert.Equal("virtsim://host-a/user/host-1/child", vm.Path.ToString());
        Assert.Equal(vm, kit.System.ResolveActorRef(vm.Path));
        var anon = kit.ActorOf(Props.Create<EchoActor>());
        Assert.StartsWith("$", anon.Path.Name);
    }
}
