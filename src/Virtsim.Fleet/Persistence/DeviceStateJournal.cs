using Akka.Actor;
using Akka.Persistence;
using Virtsim.Fleet.Metrics;

namespace Virtsim.Fleet.Persistence;

/// <summary>
/// The journal of one device actor, as its child: it persists the <see cref="DeviceImage"/>s the device sends (each
/// acknowledged with <see cref="DeviceImageRecorded"/> once durable, in order) and, after recovering from its latest
/// snapshot and events, tells the device the latest image (<see cref="DeviceStateRecovered"/>). It holds immutable
/// values only: the model itself stays the device actor's alone. The device crashing stops it; the device's next
/// incarnation starts a fresh one, which recovers from the store. When the store fails it records the failure for the
/// run's report and tells the device (<see cref="Messages.Faults.StoreFailed"/>) before it stops.
/// </summary>
public sealed class DeviceStateJournal : FleetPersistentActor
{
    private DeviceImage? _latest;

    /// <summary>Creates the journal of the device with persistence id <paramref name="persistenceId"/>.</summary>
    public DeviceStateJournal(string persistenceId, FleetPersistence persistence, FleetMetrics metrics) : base(persistenceId, persistence, metrics)
    {
        Recover<SnapshotOffer>(o => _latest = (DeviceImage)o.Snapshot);
        Recover<DeviceImage>(i => _latest = i);
        Recover<RecoveryCompleted>(_ => Context.Parent.Tell(new DeviceStateRecovered(_latest), Self));
        Command<DeviceImage>(i => Persist(i, recorded =>
        {
            _latest = recorded;
            Context.Parent.Tell(DeviceImageRecorded.Instance, Self);
            AfterPersisted();
        }));
    }

    /// <inheritdoc />
    protected override object SnapshotState() => _latest ?? throw new InvalidOperationException("no device image to snapshot");
}
