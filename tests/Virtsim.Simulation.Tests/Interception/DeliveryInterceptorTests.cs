using Akka.Actor;
using Virtsim.Simulation.Engine;
using Virtsim.Simulation.Interception;

namespace Virtsim.Simulation.Tests.Interception;

/// <summary>The simulator's one interception point: each decision acts on delivery, in virtual time.</summary>
public class DeliveryInterceptorTests
{
    private sealed record Note(int N);

    /// <summary>Records each note it gets with the virtual time.</summary>
    private sealed class Recorder : ReceiveActor
    {
        public Recorder(List<(int N, TimeSpan At)> seen, Simulator sim) => Receive<Note>(n => seen.Add((n.N, sim.Elapsed)));
    }

    /// <summary>Decides by the note's number; passes everything else.</summary>
    private sealed class ByNumber(Func<int, InterceptDecision> decide) : IDeliveryInterceptor
    {
        public int Calls { get; private set; }

        public InterceptDecision Intercept(IActorRef sender, IActorRef receiver, object message)
        {
            if (message is not Note n) return InterceptDecision.Deliver;
            Calls++;
            return decide(n.N);
        }
    }

    private static List<(int N, TimeSpan At)> Run(Func<int, InterceptDecision>? decide, out int calls)
    {
        using var sim = new Simulator(1);
        var seen = new List<(int, TimeSpan)>();
        ByNumber? interceptor = decide is null ? null : new ByNumber(decide);
        if (interceptor is not null) sim.Intercept(interceptor);
        var system = sim.CreateSystem("t");
        var recorder = system.ActorOf(Props.Create(() => new Recorder(seen, sim)), "r");
        sim.RunUntilIdle();
        for (int i = 1; i <= 4; i++) recorder.Tell(new Note(i));
        sim.RunFor(TimeSpan.FromMilliseconds(1));
        calls = interceptor?.Calls ?? 0;
        return seen;
    }

    [Fact]
    public void Without_an_interceptor_every_message_arrives_in_order_at_once()
    {
        var seen = Run(null, out _);
        Assert.Equal([1, 2, 3, 4], seen.Select(s => s.N));
        Assert.All(seen, s => Assert.Equal(TimeSpan.Zero, s.At));
    }

    [Fact]
    public void Drop_delay_duplicate_overtake_and_replace_act_on_delivery()
    {
        var seen = Run(n => n switch
        {
            1 => new InterceptDecision(InterceptAction.Drop),
            2 => new InterceptDecision(InterceptAction.Delay, TimeSpan.FromMicroseconds(30)),
            3 => new InterceptDecision(InterceptAction.Duplicate, Replacement: new Note(33)),
            _ => new InterceptDecision(InterceptAction.Replace, Replacement: new Note(44)),
        }, out int calls);

        // 1 lost; 3 and its copy, 44 in place of 4 at once; 2 after 30 us, and not intercepted again when released.
        Assert.Equal([(3, TimeSpan.Zero), (33, TimeSpan.Zero), (44, TimeSpan.Zero), (2, TimeSpan.FromMicroseconds(30))], seen);
        Assert.Equal(4, calls);
    }

    [Fact]
    public void An_overtaking_message_goes_ahead_of_the_waiting_ones()
    {
        var seen = Run(n => n == 3 ? new InterceptDecision(InterceptAction.Overtake) : InterceptDecision.Deliver, out _);
        Assert.Equal([3, 1, 2, 4], seen.Select(s => s.N));
    }

    [Fact]
    public void A_simulator_takes_one_interceptor()
    {
        using var sim = new Simulator(1);
        sim.Intercept(new ByNumber(_ => InterceptDecision.Deliver));
        Assert.Throws<InvalidOperationException>(() => sim.Intercept(new ByNumber(_ => InterceptDecision.Deliver)));
    }
}
