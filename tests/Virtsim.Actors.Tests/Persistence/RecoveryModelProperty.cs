using FsCheck;
using FsCheck.Fluent;
using Virtsim.Actors.Actors;
using Virtsim.Actors.Persistence;
using Virtsim.Actors.Tests.TestKit;
using Virtsim.Persistence.Memory;

namespace Virtsim.Actors.Tests.Persistence;

/// <summary>
/// Random workloads of writes, batches, snapshots, supervisor restarts and whole-system restarts, with random
/// snapshot settings: after every restart the recovered state equals a plain fold of every acknowledged amount.
/// </summary>
public class RecoveryModelProperty
{
    private sealed record Op(int Kind, int Amount, int Count)
    {
        public override string ToString() => Kind switch
        {
            0 => $"add {Amount}",
            1 => $"add-many {Count}x{Amount}",
            2 => "crash",
            3 => "snapshot",
            _ => "new system",
        };
    }

    private static readonly Gen<Op[]> Ops =
        (from kind in Gen.Frequency((6, Gen.Constant(0)), (3, Gen.Constant(1)), (1, Gen.Constant(2)), (1, Gen.Constant(3)), (1, Gen.Constant(4)))
         from amount in Gen.Choose(-50, 50)
         from count in Gen.Choose(1, 4)
         select new Op(kind, amount, count)).ArrayOf();

    private static readonly Gen<(int Seed, int Every, bool Delete)> Settings =
        from seed in Gen.Choose(0, 1_000_000)
        from every in Gen.Elements(0, 1, 2, 3, 5)
        from delete in Gen.Elements(false, true)
        select (seed, every, delete);

    [Fact]
    public void Recovered_state_always_equals_the_fold_of_acknowledged_events()
    {
        Prop.ForAll(Arb.From(Settings), Arb.From(Ops), (settings, ops) => Agrees(settings, ops))
            .Check(Config.QuickThrowOnFailure.WithMaxTest(60));
    }

    private static bool Agrees((int Seed, int Every, bool Delete) settings, Op[] ops)
    {
        var setup = new PersistenceSetup(new MemoryJournal(), new MemorySnapshotStore(), 1,
            new PersistentActorOptions { SnapshotEvery = settings.Every, DeleteAfterSnapshot = settings.Delete });
        var model = CounterState.Empty;
        long sequenceNr = 0;
        var kit = new ActorTestKit(DispatcherKind.Simulation, settings.Seed);
        try
        {
            var probe = kit.CreateProbe();
            var counter = kit.ActorOf(Props.Create(() => new Counter("prop", setup, null)));
            foreach (var op in ops)
            {
                switch (op.Kind)
                {
                    case 0:
                        probe.Send(counter, new Add(op.Amount));
                        model = model.Apply(op.Amount);
                        Assert.Equal(++sequenceNr, probe.ExpectMsg<Applied>().SequenceNr);
                        break;
                    case 1:
                        probe.Send(counter, new AddMany(Enumerable.Repeat(op.Amount, op.Count).ToArray()));
                        for (var i = 0; i < op.Count; i++) model = model.Apply(op.Amount);
                        sequenceNr += op.Count;
                        Assert.Equal(model, probe.ReceiveN<Applied>(op.Count)[^1].State);
                        break;
                    case 2:
                        probe.Send(counter, new Crash());
                        Check(probe, counter, model, sequenceNr);
                        break;
                    case 3:
                        probe.Send(counter, new TakeSnapshot());
                        break;
                    default:
                        kit.Dispose();
                        kit = new ActorTestKit(DispatcherKind.Simulation, settings.Seed + 1);
                        probe = kit.CreateProbe();
                        counter = kit.ActorOf(Props.Create(() => new Counter("prop", setup, null)));
                        Check(probe, counter, model, sequenceNr);
                        break;
                }
            }
            return true;
        }
        finally
        {
            kit.Dispose();
        }
    }

    private static void Check(TestProbe probe, Virtsim.Actors.Refs.IActorRef counter, CounterState model, long sequenceNr)
    {
        probe.Send(counter, new GetStatus());
        var status = probe.ExpectMsg<Status>();
        Assert.Equal(model, status.State);
        Assert.Equal(sequenceNr, status.LastSequenceNr);
    }
}
