using Akka.Actor;
using Virtsim.Simulation.Clocks;
using Virtsim.Simulation.Engine;
using Virtsim.Simulation.Environment;

namespace Virtsim.Simulation.Tests.Clocks;

/// <summary>
/// <see cref="Simulator.SkewClocks"/>: a timer an actor sets for itself waits on its own clock; a message it schedules
/// to another actor after a delay takes true virtual time; a step of the clock moves its pending timers.
/// </summary>
public class SkewedClockTests
{
    private sealed record Mark(string Name);

    private sealed record Arm(TimeSpan Delay, IActorRef? Other);

    /// <summary>Sets a timer for itself (and schedules a mark to another actor) after the delay it is told.</summary>
    private sealed class Sleeper : ReceiveActor, IWithTimers
    {
        public ITimerScheduler Timers { get; set; } = null!;

        public Sleeper(List<(string, TimeSpan)> log)
        {
            var clock = ActorEnvironment.For(Context.System).Clock;
            Receive<Arm>(a =>
            {
                Timers.StartSingleTimer("own", new Mark(Self.Path.Name), a.Delay);
                if (a.Other is { } other) Context.System.Scheduler.ScheduleTellOnce(a.Delay, other, new Mark("sent"), Self);
            });
            Receive<Mark>(m => log.Add((m.Name, clock.Elapsed)));
        }
    }

    // Actors named "fast..." run on a clock twice as fast as true time.
    private sealed class FastNamed : IActorClocks
    {
        public TimeSpan VirtualDelay(IActorRef owner, TimeSpan delay, TimeSpan now) =>
            owner.Path.Name.StartsWith("fast", StringComparison.Ordinal) ? delay / 2 : delay;
    }

    [Fact]
    public void An_actors_own_timer_waits_on_its_clock_and_a_scheduled_message_to_another_takes_true_time()
    {
        using var sim = new Simulator(1);
        sim.SkewClocks(new FastNamed());
        var system = sim.CreateSystem("t");
        var log = new List<(string, TimeSpan)>();
        var fast = system.ActorOf(Props.Create(() => new Sleeper(log)), "fast");
        var slow = system.ActorOf(Props.Create(() => new Sleeper(log)), "true");
        fast.Tell(new Arm(TimeSpan.FromMilliseconds(10), slow));
        slow.Tell(new Arm(TimeSpan.FromMilliseconds(10), null));
        sim.RunFor(TimeSpan.FromMilliseconds(20));

        Assert.Contains(("fast", TimeSpan.FromMilliseconds(5)), log);
        Assert.Contains(("true", TimeSpan.FromMilliseconds(10)), log);
        Assert.Contains(("sent", TimeSpan.FromMilliseconds(10)), log);
    }

    [Fact]
    public void A_clock_step_moves_the_pending_timers_of_the_actors_it_picks_and_no_others()
    {
        using var sim = new Simulator(2);
        sim.SkewClocks(new FastNamed());
        var system = sim.CreateSystem("t");
        var log = new List<(string, TimeSpan)>();
        var fast = system.ActorOf(Props.Create(() => new Sleeper(log)), "fast");
        var other = system.ActorOf(Props.Create(() => new Sleeper(log)), "true");
        fast.Tell(new Arm(TimeSpan.FromMilliseconds(20), null)); // due at 10 ms
        other.Tell(new Arm(TimeSpan.FromMilliseconds(10), null));
        sim.RunFor(TimeSpan.FromMilliseconds(1));

        int moved = sim.StepClocks(a => a.Path.Name == "fast", TimeSpan.FromMilliseconds(4));
        sim.RunFor(TimeSpan.FromMilliseconds(20));

        Assert.Equal(1, moved);
        Assert.Contains(("fast", TimeSpan.FromMilliseconds(6)), log);
        Assert.Contains(("true", TimeSpan.FromMilliseconds(10)), log);
    }

    [Fact]
    public void A_periodic_timer_takes_each_period_on_its_clock()
    {
        using var sim = new Simulator(3);
        sim.SkewClocks(new FastNamed());
        var system = sim.CreateSystem("t");
        var log = new List<(string, TimeSpan)>();
        var fast = system.ActorOf(Props.Create(() => new Ticker(log)), "fast");
        sim.RunFor(TimeSpan.FromMilliseconds(2.1));

        Assert.Equal([TimeSpan.FromMilliseconds(0.5), TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1.5), TimeSpan.FromMilliseconds(2)],
            log.Select(l => l.Item2));
    }

    private sealed class Ticker : ReceiveActor, IWithTimers
    {
        public ITimerScheduler Timers { get; set; } = null!;

        public Ticker(List<(string, TimeSpan)> log)
        {
            var clock = ActorEnvironment.For(Context.System).Clock;
            Receive<Mark>(m => log.Add((m.Name, clock.Elapsed)));
            Timers.StartPeriodicTimer("t", new Mark("tick"), TimeSpan.FromMilliseconds(1));
        }
    }
}
