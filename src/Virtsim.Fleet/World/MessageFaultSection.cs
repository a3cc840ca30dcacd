using System.Globalization;
using Virtsim.Fleet.Configuration;
using Virtsim.Fleet.MessageFaults;
using Virtsim.Hocon;

namespace Virtsim.Fleet.World;

/// <summary>
/// The message faults of a scenario file, for <see cref="ScenarioLoader"/>: the <c>faults</c> entries with
/// <c>kind = message</c>. Every error is a <see cref="HoconException"/> at the offending value (docs/faults.md).
/// </summary>
internal static class MessageFaultSection
{
    /// <summary>The fault kind that marks a message fault.</summary>
    public const string Kind = "message";

    /// <summary>Reads one <c>kind = message</c> entry.</summary>
    public static MessageFaultSpec Read(HoconConfig f, IReadOnlyList<HostSpec> hosts)
    {
        var at = HoconSettings.OwnPosition(f);
        foreach (var key in (string[])["at", "device", "host", "duration"])
            if (f.HasPath(key))
                throw new HoconException(f.GetValue(key).Position, $"a message fault has no '{key}' (it takes class, action, probability, from, until, devices, queues, hosts, vendors, delay)");
        if (f.HasPath("target"))
            throw new HoconException(f.GetValue("target").Position, "a message fault has no target: corrupt flips bits of messages in flight; for guest memory use kind = corrupt-memory");
        string classText = HoconSettings.At(at, f, x => x.GetString("class"));
        if (!MessageFaultNames.TryParseClass(classText, out var messageClass))
            throw new HoconException(f.GetValue("class").Position, $"unknown message class '{classText}' (known: {string.Join(", ", MessageFaultNames.Classes)})");
        string actionText = HoconSettings.At(at, f, x => x.GetString("action"));
        if (!MessageFaultNames.TryParseAction(actionText, out var action))
            throw new HoconException(f.GetValue("action").Position, $"unknown message fault action '{actionText}' (known: {string.Join(", ", MessageFaultNames.Actions)})");
        double probability = 1;
        if (f.HasPath("probability"))
        {
            probability = HoconSettings.At(f, x => x.GetDouble("probability"));
            if (!(probability >= 0 && probability <= 1))
                throw new HoconException(f.GetValue("probability").Position, $"probability must be between 0 and 1 (got {probability.ToString(CultureInfo.InvariantCulture)})");
        }
        var from = f.HasPath("from") ? Settings.NonNegativeDuration(f, "from") : TimeSpan.Zero;
        var until = TimeSpan.MaxValue;
        if (f.HasPath("until"))
        {
            until = Settings.NonNegativeDuration(f, "until");
            if (until <= from)
                throw new HoconException(f.GetValue("until").Position, $"until ({until.TotalMicroseconds} us) must be after from ({from.TotalMicroseconds} us)");
        }
        var devices = Names(f, "devices", name => Exists(hosts, name), "no device '{0}' (host/vm/device)");
        var hostNames = Names(f, "hosts", name => hosts.Any(h => h.Name == name), "no host '{0}' (hosts: " + string.Join(", ", hosts.Select(h => h.Name)) + ")");
        var all = hosts.SelectMany(h => h.Vms.SelectMany(v => v.Devices.Select(d => (Path: $"{h.Name}/{v.Name}/{d.Name}", Host: h.Name, Vendor: d.Profile.Name)))).ToList();
        var vendors = Names(f, "vendors", name => all.Any(d => d.Vendor == name), "no device of vendor '{0}' in the scenario");
        var queues = new List<int>();
        if (messageClass == MessageClass.MigrationStream && f.HasPath("queues"))
            throw new HoconException(f.GetValue("queues").Position, "a migration-stream fault has no queues (its selector is hosts, devices, vendors: the migration's hosts and the VM's devices)");
        if (f.HasPath("queues"))
        {
            foreach (var item in HoconSettings.At(f, x => x.GetList("queues")))
            {
                if (item is not HoconNumber || !int.TryParse(item.ConcatenationText, NumberStyles.None, CultureInfo.InvariantCulture, out int q) || q > 255)
                    throw new HoconException(item.Position, $"a queue index is a whole number from 0 to 255 (got {item.Describe()})");
                queues.Add(q);
            }
        }
        var spec = new MessageFaultSpec
        {
            Class = messageClass,
            Action = action,
            Probability = probability,
            From = from,
            Until = until,
            Devices = devices,
            Hosts = hostNames,
            Vendors = vendors,
            Queues = queues,
            Delay = Delay(f, action),
            Position = f.GetValue("kind").Position,
        };
        // A migration's stream is the VM's, not a device's: its selector is checked against each migration (MigrationStreamFaults).
        if (messageClass != MessageClass.MigrationStream && !all.Any(d => spec.MatchesDevice(d.Path, d.Host, d.Vendor)))
            throw new HoconException(at, "the fault's selector (devices, hosts, vendors together) names no device of the scenario");
        return spec;
    }

    private static DelayDistribution? Delay(HoconConfig f, MessageFaultAction action)
    {
        if (action != MessageFaultAction.Delay)
        {
            if (f.HasPath("delay")) throw new HoconException(f.GetValue("delay").Position, "delay applies only to action = delay");
            return null;
        }
        var at = HoconSettings.OwnPosition(f);
        if (!f.HasPath("delay")) throw new HoconException(at, "action = delay needs a delay (e.g. delay = 20us, or { uniform = [5us, 50us] }, or { exponential = 20us })");
        if (f.GetValue("delay") is not HoconObject) return DelayDistribution.Fixed(Settings.NonNegativeDuration(f, "delay"));
        var d = f.GetConfig("delay");
        var keys = d.Root.Fields.Select(x => x.Key).ToList();
        if (keys.Count != 1 || keys[0] is not ("uniform" or "exponential"))
            throw new HoconException(f.GetValue("delay").Position, "a delay distribution is { uniform = [MIN, MAX] } or { exponential = MEAN }");
        if (keys[0] == "exponential")
        {
            var mean = Settings.PositiveDuration(d, "exponential");
            return new DelayDistribution(DelayShape.Exponential, mean);
        }
        var range = HoconSettings.At(d, x => x.GetDurationList("uniform"));
        var position = d.GetValue("uniform").Position;
        if (range.Count != 2 || range[0] < TimeSpan.Zero || range[1] < range[0])
            throw new HoconException(position, "uniform takes two durations [MIN, MAX] with 0 <= MIN <= MAX");
        return new DelayDistribution(DelayShape.Uniform, range[0], range[1]);
    }

    private static List<string> Names(HoconConfig f, string key, Func<string, bool> exists, string unknown)
    {
        var names = new List<string>();
        if (!f.HasPath(key)) return names;
        foreach (var item in HoconSettings.At(f, x => x.GetList(key)))
        {
            string name = item is HoconString s ? s.Value : item.Describe();
            if (!exists(name)) throw new HoconException(item.Position, string.Format(CultureInfo.InvariantCulture, unknown, name));
            names.Add(name);
        }
        return names;
    }

    private static bool Exists(IReadOnlyList<HostSpec> hosts, string path)
    {
        var parts = path.Split('/');
        return parts.Length == 3 && hosts.Any(h => h.Name == parts[0] && h.Vms.Any(v => v.Name == parts[1] && v.Devices.Any(d => d.Name == parts[2])));
    }
}
