using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace Virtsim.Hosting.Cluster.Probe;

/// <summary>
/// The diagnostic probe: a persistent counter sharded across the cluster (<c>virtsim-probe</c>), so that an
/// operator, the tests and the failover benchmark can see where an entity lives and that it comes back with its
/// state after its node dies. Not part of the world.
/// </summary>
public sealed class ProbeEntity : ReceivePersistentActor
{
    /// <summary>The shard region's type name.</summary>
    public const string TypeName = "virtsim-probe";

    private readonly string _entityId;
    private readonly string _node;
    private long _value;
    private long _adds;

    /// <summary>Creates the entity <paramref name="entityId"/>.</summary>
    public ProbeEntity(string entityId)
    {
        _entityId = entityId;
        _node = Akka.Cluster.Cluster.Get(Context.System).SelfAddress.ToString();
        PersistenceId = $"{TypeName}/{entityId}";
        Recover<ProbeAdded>(Apply);
        Command<ProbeAdd>(add => Persist(new ProbeAdded(add.Amount), e =>
        {
            Apply(e);
            Sender.Tell(Value());
        }));
        Command<ProbeGet>(_ => Sender.Tell(Value()));
    }

    /// <inheritdoc />
    public override string PersistenceId { get; }

    /// <summary>The start of the warning a node logs when the journal refuses one of the probe's events.</summary>
    public const string RefusedWrite = "journal refused a write of";

    /// <summary>The props of entity <paramref name="entityId"/>.</summary>
    public static Props Props(string entityId) => Akka.Actor.Props.Create(() => new ProbeEntity(entityId));

    /// <summary>
    /// A refused write is what a second incarnation of the entity meets when another one wrote the same sequence
    /// number first (the journal's key on persistence id and sequence number): logged with a fixed text so that a
    /// partition test can count them; then the entity stops, as Akka.Persistence does.
    /// </summary>
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        Context.GetLogger().Warning("{0} {1} sequence {2}: {3}", RefusedWrite, PersistenceId, sequenceNr, cause.Message);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    /// <inheritdoc />
    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        Context.GetLogger().Warning("{0} {1} sequence {2}: {3}", RefusedWrite, PersistenceId, sequenceNr, cause.Message);
        base.OnPersistRejected(cause, @event, sequenceNr);
    }

    private void Apply(ProbeAdded e)
    {
        _value += e.Amount;
        _adds++;
    }

    private ProbeValue Value() => new(_entityId, _value, _adds, _node);
}
