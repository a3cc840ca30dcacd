using Virtsim.Actors.Persistence;
using Virtsim.Fleet.Messages.Faults;
using Virtsim.Fleet.Metrics;

namespace Virtsim.Fleet.Persistence;

/// <summary>
/// The journal of one device actor, as its child: it persists the <see cref="DeviceImage"/>s the device sends (each
/// acknowledged with <see cref="DeviceImageRecorded"/> once durable, in order) and, after recovering from its latest
/// snapshot and events, tells the device the latest image (<see cref="DeviceStateRecovered"/>). It holds immutable
/// values only: the model itself stays the device actor's alone. The device crashing stops it; the device's next
/// incarnation starts a fresh one, which recovers from the store. When the store fails it records the failure for the
/// run's report and tells the device (<see cref="StoreFailed"/>) before it stops.
/// </summary>
public sealed class DeviceStateJournal : PersistentActor
{
    private DeviceImage? _latest;
    private readonly FleetMetrics _metrics;

    /// <summary>Creates the journal of the device with persistence id <paramref name="persistenceId"/>.</summary>
    public DeviceStateJournal(string persistenceId, PersistenceSetup setup, FleetMetrics metrics) : base(persistenceId, setup)
    {
        _metrics = metrics ?? throw new ArgumentNullException(nameof(metrics));
        Recover<SnapshotOffer>(o => _latest = (DeviceImage)o.State);
        Recover<DeviceImage>(i => _latest = i);
        Command<DeviceImage>(i => Persist(i, recorded =>
        {
            _latest = recorded;
            Context.Parent.Tell(DeviceImageRecorded.Instance, Self);
        }));
    }

    /// <inheritdoc />
    protected override IEventSerializer Serializer => DeviceImageSerializer.Instance;

    /// <inheritdoc />
    protected override object SnapshotState() => _latest ?? throw new InvalidOperationException("no device image to snapshot");

    /// <inheritdoc />
    protected override void OnPersistenceFailure(PersistenceFailureException failure)
    {
        var f = StoreFailure.Of(failure, Context.Clock.Elapsed);
        _metrics.RecordStoreFailure(f);
        Context.Parent.Tell(new StoreFailed(f.PersistenceId, f.ToString()), Self);
    }

    /// <inheritdoc />
    protected override void OnRecoveryCompleted() => Context.Parent.Tell(new DeviceStateRecovered(_latest), Self);
}
