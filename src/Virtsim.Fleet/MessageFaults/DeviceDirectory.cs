using Akka.Actor;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.MessageFaults;

/// <summary>
/// Finds the device an actor belongs to from its path, as the world builds them under <c>/user</c>: the transport
/// endpoint <c>host/vm-device</c> and its children (backend, journal), a cabled net backend
/// <c>host/vm-device-backend</c>, the driver <c>host/vm/device-driver</c> and the workload <c>host/vm/device-app</c>.
/// Answers are cached per actor reference.
/// </summary>
public sealed class DeviceDirectory
{
    private readonly Dictionary<string, DevicePlan> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, DevicePlan?> _cache = new(ReferenceEqualityComparer.Instance);

    /// <summary>Indexes the devices of <paramref name="devices"/>.</summary>
    public DeviceDirectory(IEnumerable<DevicePlan> devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        foreach (var d in devices)
        {
            var p = d.Path.Split('/');
            _byName[$"{p[0]}/{p[1]}-{p[2]}"] = d;
            _byName[$"{p[0]}/{p[1]}-{p[2]}-backend"] = d;
            _byName[$"{p[0]}/{p[1]}/{p[2]}-driver"] = d;
            _byName[$"{p[0]}/{p[1]}/{p[2]}-app"] = d;
        }
    }

    /// <summary>The device <paramref name="actor"/> belongs to, or null (a host, the switch, a system actor).</summary>
    public DevicePlan? Find(IActorRef actor)
    {
        if (actor is null || actor.IsNobody()) return null;
        if (_cache.TryGetValue(actor, out var known)) return known;
        var found = Lookup(actor.Path);
        _cache[actor] = found;
        return found;
    }

    private DevicePlan? Lookup(ActorPath path)
    {
        var e = path.Elements;
        if (e.Count < 3 || e[0] != "user") return null;
        if (_byName.TryGetValue($"{e[1]}/{e[2]}", out var device)) return device;
        return e.Count >= 4 && _byName.TryGetValue($"{e[1]}/{e[2]}/{e[3]}", out device) ? device : null;
    }
}
