using System.Diagnostics;
using Akka.Actor;
using Virtsim.Simulation.Engine;
using Virtsim.Simulation.Environment;

namespace Virtsim.Simulation.Tests.Engine;

/// <summary>Timers, Ask timeouts and the actors' clock all run in virtual time.</summary>
public class VirtualTimeTests
{
    private sealed record Mark(string Name);

    /// <summary>Records each message's name with the virtual time it arrived.</summary>
    private sealed class Recorder : ReceiveActor
    {
        public Recorder(List<(string, TimeSpan)> log)
        {
            var clock = ActorEnvironment.For(Context.System).Clock;
            Receive<Mark>(m => log.Add((m.Name, clock.Elapsed)));
        }
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

    [Fact]
    public void A_timer_arrives_exactly_at_its_virtual_due_time()
    {
        using var sim = new Simulator(1);
        var system = sim.CreateSystem("t");
        var log = new List<(string, TimeSpan)>();
        var recorder = system.ActorOf(Props.Create(() => new Recorder(log)));
        system.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(1500), recorder, new Mark("late"), ActorRefs.NoSender);
        sim.RunFor(TimeSpan.FromSeconds(1));
        Assert.Empty(log);
        Assert.Equal(TimeSpan.FromSeconds(1), sim.Elapsed);
        sim.RunFor(TimeSpan.FromSeconds(1));
        Assert.Equal([("late", TimeSpan.FromMilliseconds(1500))], log);
        Assert.Equal(TimeSpan.FromSeconds(2), sim.Elapsed);
    }

    [Fact]
    public void Timers_fire_in_due_order_and_ties_in_the_order_they_were_set()
    {
        using var sim = new Simulator(3);
        var system = sim.CreateSystem("t");
        var log = new List<(string, TimeSpan)>();
        var recorder = system.ActorOf(Props.Create(() => new Recorder(log)));
        var s = system.Scheduler;
        s.ScheduleTellOnce(TimeSpan.FromMicroseconds(30), recorder, new Mark("c"), ActorRefs.NoSender);
        s.ScheduleTellOnce(TimeSpan.FromMicroseconds(10), recorder, new Mark("a1"), ActorRefs.NoSender);
        s.ScheduleTellOnce(TimeSpan.FromMicroseconds(20), recorder, new Mark("b"), ActorRefs.NoSender);
        s.ScheduleTellOnce(TimeSpan.FromMicroseconds(10), recorder, new Mark("a2"), ActorRefs.NoSender);
        s.ScheduleTellOnce(TimeSpan.FromMicroseconds(10), recorder, new Mark("a3"), ActorRefs.NoSender);
        sim.RunFor(TimeSpan.FromMilliseconds(1));
        Assert.Equal(["a1", "a2", "a3", "b", "c"], log.Select(l => l.Item1));
        Assert.Equal([10, 10, 10, 20, 30], log.Select(l => (int)l.Item2.TotalMicroseconds));
    }

    [Fact]
    public void A_periodic_timer_ticks_once_per_period_and_a_cancelled_one_never()
    {
        using var sim = new Simulator(1);
        var system = sim.CreateSystem("t");
        var log = new List<(string, TimeSpan)>();
        var ticker = system.ActorOf(Props.Create(() => new Ticker(log)));
        sim.RunFor(TimeSpan.FromMilliseconds(10));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => TimeSpan.FromMilliseconds(i)), log.Select(l => l.Item2));

        var cancelled = system.Scheduler.ScheduleTellOnceCancelable(TimeSpan.FromMilliseconds(5), ticker, new Mark("never"), ActorRefs.NoSender);
        cancelled.Cancel();
        ticker.Tell(PoisonPill.Instance);
        sim.RunFor(TimeSpan.FromMilliseconds(10));
        Assert.DoesNotContain(log, l => l.Item1 == "never");
        Assert.Equal(10, log.Count);
    }

    [Fact]
    public void Idle_time_passes_without_waiting_and_a_cancelled_timer_does_not_pull_the_clock()
    {
        using var sim = new Simulator(1);
        var system = sim.CreateSystem("t");
        var log = new List<(string, TimeSpan)>();
        var recorder = system.ActorOf(Props.Create(() => new Recorder(log)));
        system.Scheduler.ScheduleTellOnceCancelable(TimeSpan.FromHours(5), recorder, new Mark("x"), ActorRefs.NoSender).Cancel();
        var wall = Stopwatch.StartNew();
        Assert.False(sim.RunUntil(() => log.Count > 0, TimeSpan.FromDays(1)));
        Assert.True(sim.Elapsed < TimeSpan.FromHours(5), $"the clock moved to {sim.Elapsed} for a cancelled timer");

        system.Scheduler.ScheduleTellOnce(TimeSpan.FromHours(10), recorder, new Mark("y"), ActorRefs.NoSender);
        Assert.True(sim.RunUntil(() => log.Count > 0, TimeSpan.FromDays(1)));
        Assert.Equal(TimeSpan.FromHours(10), log[0].Item2);
        Assert.True(wall.Elapsed < TimeSpan.FromMinutes(1));
    }

    [Fact]
    public void An_ask_to_a_silent_actor_times_out_in_virtual_time()
    {
        using var sim = new Simulator(1);
        var system = sim.CreateSystem("t");
        var silent = system.ActorOf(Props.Create(() => new Recorder(new List<(string, TimeSpan)>())));
        Assert.Throws<AskTimeoutException>(() => sim.Ask<string>(silent, "hello?", TimeSpan.FromSeconds(30)));
        Assert.Equal(TimeSpan.FromSeconds(30), sim.Elapsed);
    }

    [Fact]
    public void The_scheduler_reads_the_virtual_wall_clock()
    {
        var epoch = new DateTimeOffset(2030, 6, 1, 0, 0, 0, TimeSpan.Zero);
        using var sim = new Simulator(1, epoch);
        var system = sim.CreateSystem("t");
        sim.RunFor(TimeSpan.FromMinutes(3));
        Assert.Equal(epoch.AddMinutes(3), system.Scheduler.Now);
        Assert.Equal(epoch.AddMinutes(3), ActorEnvironment.For(system).Clock.UtcNow);
        Assert.Equal(TimeSpan.FromMinutes(3), ActorEnvironment.For(system).Clock.Elapsed);
    }
}
