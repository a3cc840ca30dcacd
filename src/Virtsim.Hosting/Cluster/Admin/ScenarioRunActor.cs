using Akka.Actor;
using Virtsim.Fleet.Persistence;
using Virtsim.Fleet.World;
using Virtsim.Hocon;

namespace Virtsim.Hosting.Cluster.Admin;

/// <summary>
/// Runs one scenario for a client in this node's actor system (<c>FleetRunner.RunThreaded</c>, on a thread of its own
/// since the runner waits for the world), sending <see cref="RunUpdate"/>s and then <see cref="RunFinished"/> to the
/// client. The run stops early when the client sends <see cref="CancelRun"/> or its actor system goes away.
/// </summary>
public sealed class ScenarioRunActor : ReceiveActor
{
    private readonly CancellationTokenSource _stop = new();
    private Placement.PlacedRun? _placed; // set on the run's thread, read here

    /// <summary>Starts <paramref name="run"/> for <paramref name="client"/>.</summary>
    public ScenarioRunActor(RunScenario run, IActorRef client)
    {
        var system = Context.System;
        var self = Self;
        string node = Akka.Cluster.Cluster.Get(system).SelfAddress.ToString();
        Context.Watch(client);
        Receive<CancelRun>(_ => _stop.Cancel());
        Receive<NodeKilled>(k => Volatile.Read(ref _placed)?.Killed(k.KilledAtUnixMs));
        Receive<Terminated>(_ => _stop.Cancel());
        Receive<RunFinished>(finished =>
        {
            client.Tell(finished);
            Context.Stop(Self);
        });
        var token = _stop.Token;
        Task.Factory.StartNew(() => Execute(system, run, client, node, p => Volatile.Write(ref _placed, p), token), TaskCreationOptions.LongRunning)
            .ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : new RunFinished(node, null, $"the run failed: {t.Exception?.GetBaseException().Message}"),
                TaskScheduler.Default)
            .PipeTo(self);
    }

    /// <summary>The props of a run of <paramref name="run"/> for <paramref name="client"/>.</summary>
    public static Props Props(RunScenario run, IActorRef client) =>
        Akka.Actor.Props.Create(() => new ScenarioRunActor(run, client));

    /// <inheritdoc />
    protected override void PostStop()
    {
        _stop.Cancel();
        base.PostStop();
    }

    private static RunFinished Execute(ActorSystem system, RunScenario run, IActorRef client, string node, Action<Placement.PlacedRun> placed,
        CancellationToken token)
    {
        WorldSpec spec;
        try
        {
            spec = ScenarioLoader.FromConfig(HoconConfig.Parse(run.ScenarioJson, new HoconParseOptions { SourceName = run.Source }));
        }
        catch (HoconException e)
        {
            return new RunFinished(node, null, $"the node refused the scenario: {e.Message}");
        }
        if (RealTimeLimits.Refusal(spec) is { } refusal) return new RunFinished(node, null, $"the node refused the scenario: {refusal.Message}");
        var persistence = run.PersistencePrefix is null ? null : new FleetPersistence(run.PersistencePrefix, run.SnapshotEvery, run.DeleteAfterSnapshot);
        // Devices and backends the scenario places on members of other roles are built there first.
        var report = FleetRunner.RunThreaded(system, spec, run.Seed, new RealTimeOptions
        {
            Place = spec.PlacesActors ? (s, _) => Placement.ClusterPlacement.Place(s, spec, run, placed) : null,
            Persistence = persistence,
            Cancellation = token,
            Progress = p => client.Tell(new RunUpdate(p.WorkloadsDone, p.Workloads, p.Requests, p.VirtualTime.Ticks)),
        }, out _);
        return new RunFinished(node, RunReportJson.Write(report), null);
    }
}
