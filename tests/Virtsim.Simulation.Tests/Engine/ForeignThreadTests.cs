using Akka.Actor;
using Virtsim.Simulation.Engine;

namespace Virtsim.Simulation.Tests.Engine;

/// <summary>Work from another thread would make a run depend on timing: it is refused, loudly, with its name.</summary>
public class ForeignThreadTests
{
    private sealed record Start;
    private sealed record Answer(int Value);

    /// <summary>Pipes a real task's result to itself: the result arrives on a thread-pool thread.</summary>
    private sealed class Piper : ReceiveActor
    {
        public Piper()
        {
            Receive<Start>(start =>
            {
                // The task completes only after PipeTo is waiting on it. A task that had already completed would have
                // PipeTo tell its result at once, on the simulation thread, which is no foreign work at all: the test
                // failed now and then when the pool finished the task first.
                var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _ = Task.Run(async () =>
                {
                    await gate.Task;
                    return new Answer(42);
                }).PipeTo(Self);
                gate.SetResult();
            });
            Receive<Answer>(_ => { });
        }
    }

    /// <summary>Sets a timer from a thread-pool thread.</summary>
    private sealed class TimerFromPool : ReceiveActor
    {
        public TimerFromPool()
        {
            var scheduler = Context.System.Scheduler;
            var self = Self;
            Receive<Start>(_ => Task.Run(() =>
            {
                try { scheduler.ScheduleTellOnce(TimeSpan.FromSeconds(1), self, new Answer(1), ActorRefs.NoSender); }
                catch (NondeterminismException) { /* also raised on the simulation thread */ }
            }));
            Receive<Answer>(_ => { });
        }
    }

    private static NondeterminismException StepUntilRefused(Simulator sim)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (!sim.Step()) Thread.Yield();
            }
            catch (NondeterminismException e)
            {
                return e;
            }
        }
        throw new Xunit.Sdk.XunitException("The foreign-thread work was never refused.");
    }

    [Fact]
    public void A_message_piped_from_a_real_task_is_refused_with_its_type_and_receiver()
    {
        using var sim = new Simulator(1);
        var system = sim.CreateSystem("t");
        var piper = system.ActorOf(Props.Create(() => new Piper()), "piper");
        piper.Tell(new Start());
        var e = StepUntilRefused(sim);
        Assert.Contains("Answer", e.Message);
        Assert.Contains("/user/piper", e.Message);
        Assert.Contains("PipeTo", e.Message);
        // And it stays refused: the run cannot go on as if nothing happened.
        Assert.Throws<NondeterminismException>(() => sim.Step());
    }

    [Fact]
    public void A_timer_set_from_another_thread_is_refused()
    {
        using var sim = new Simulator(1);
        var system = sim.CreateSystem("t");
        system.ActorOf(Props.Create(() => new TimerFromPool()), "timers").Tell(new Start());
        var e = StepUntilRefused(sim);
        Assert.Contains("timer", e.Message);
        Assert.Contains("Answer", e.Message);
        Assert.Equal(0, sim.PendingTimers);
    }

    [Fact]
    public void Driving_the_simulator_from_another_thread_is_refused()
    {
        using var sim = new Simulator(1);
        // A thread of its own: a pool task could run on the very thread that created the simulator.
        Exception? caught = null;
        var other = new Thread(() => caught = Record.Exception(() => sim.Step()));
        other.Start();
        other.Join();
        var e = Assert.IsType<NondeterminismException>(caught);
        Assert.Contains("Step", e.Message);
    }
}
