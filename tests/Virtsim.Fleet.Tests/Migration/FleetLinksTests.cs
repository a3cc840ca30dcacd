using FsCheck;
using FsCheck.Fluent;
using Virtsim.Fleet.Migration;

namespace Virtsim.Fleet.Tests.Migration;

public class FleetLinksTests
{
    [Fact]
    public void A_stream_within_a_rack_crosses_the_two_nics_and_between_racks_also_the_uplinks_and_the_spine()
    {
        var links = new FleetLinks([10, 10, 10, 10, 10], hostsPerRack: 2, torBandwidth: 15, spineBandwidth: 20);
        Assert.Equal(3, links.Racks);
        Assert.Equal(2 * 5 + 2 * 3, links.Spine);
        Assert.Equal([0, 3], links.Path(0, 1));
        Assert.Equal([2 * 1, 10 + 0, links.Spine, 10 + 2 * 2 + 1, 2 * 4 + 1], links.Path(1, 4));
        Assert.Equal(2 * 5 + 2 * 3 + 1, links.Capacities().Count());
        Assert.Equal("spine", links.Name(links.Spine, i => $"h{i}"));
        Assert.Equal("rack 2 up", links.Name(12, i => $"h{i}"));
        Assert.Equal("h4 in", links.Name(9, i => $"h{i}"));
        // Without racks: the NICs only, as before racks existed.
        Assert.Equal([2, 9], new FleetLinks([1, 1, 1, 1, 1]).Path(1, 4));
    }

    private sealed record Fleet(int Hosts, int PerRack, double Tor, double Spine, (int From, int To, double Cap)[] Streams);

    private static readonly Gen<Fleet> Fleets =
        from hosts in Gen.Choose(2, 40)
        from perRack in Gen.Choose(1, 8)
        from tor in Gen.Choose(1, 400)
        from spine in Gen.Choose(1, 800)
        from streams in Gen.ArrayOf(
            from a in Gen.Choose(0, hosts - 1)
            from b in Gen.Choose(0, hosts - 1)
            from cap in Gen.Choose(1, 300)
            where a != b
            select (a, b, (double)cap))
        select new Fleet(hosts, perRack, tor, spine, streams);

    [Fact]
    public void Streams_over_racks_never_exceed_a_nic_an_uplink_or_the_spine_and_each_is_held_by_its_cap_or_a_full_link()
    {
        Prop.ForAll(Fleets.ToArbitrary(), f =>
        {
            var links = new FleetLinks([.. Enumerable.Repeat(100L, f.Hosts)], f.PerRack, f.Tor, f.Spine);
            var schedule = new TransferSchedule();
            var capacity = new Dictionary<int, double>();
            foreach (var (link, c) in links.Capacities())
            {
                schedule.SetLinkCapacity(link, c, 0);
                capacity[link] = c;
            }
            for (int i = 0; i < f.Streams.Length; i++) schedule.Add(i, 1e9, f.Streams[i].Cap, links.Path(f.Streams[i].From, f.Streams[i].To), 0);
            var rates = schedule.Current().ToDictionary(t => t.Id, t => t.Rate);
            var load = new Dictionary<int, double>();
            var top = new Dictionary<int, double>();
            for (int i = 0; i < f.Streams.Length; i++)
                foreach (int l in links.Path(f.Streams[i].From, f.Streams[i].To))
                {
                    load[l] = load.GetValueOrDefault(l) + rates[i];
                    top[l] = Math.Max(top.GetValueOrDefault(l), rates[i]);
                }
            const double eps = 1e-9;
            foreach (var (l, used) in load)
                if (used > capacity[l] * (1 + eps) + eps) return false.Label($"{links.Name(l, h => $"h{h}")} over capacity: {used} > {capacity[l]}");
            for (int i = 0; i < f.Streams.Length; i++)
            {
                double cap = f.Streams[i].Cap;
                bool atCap = rates[i] >= cap * (1 - eps);
                bool held = links.Path(f.Streams[i].From, f.Streams[i].To)
                    .Any(l => load[l] >= capacity[l] * (1 - eps) - eps && rates[i] >= top[l] * (1 - eps) - eps);
                if (!atCap && !held) return false.Label($"stream {i} at {rates[i]} could get more");
            }
            return true.ToProperty();
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Fact]
    public void Link_usage_adds_each_stretch_to_its_buckets_and_the_schedule_records_the_bytes_each_link_carried()
    {
        var usage = new LinkUsage(bucketTicks: 10);
        usage.Add([3], bytesPerSecond: TimeSpan.TicksPerSecond, fromTicks: 5, toTicks: 25);
        Assert.Equal([5.0, 10.0, 5.0], usage.Buckets(3));
        Assert.Equal(20.0, usage.Total(3));

        var links = new FleetLinks([100, 100, 100, 100], hostsPerRack: 2, torBandwidth: 50, spineBandwidth: 1000);
        var schedule = new TransferSchedule { Usage = new LinkUsage(TimeSpan.TicksPerMillisecond) };
        foreach (var (link, c) in links.Capacities()) schedule.SetLinkCapacity(link, c, 0);
        schedule.Add(1, 500, 1000, links.Path(0, 3), 0);   // held by the rack uplink at 50 B/s: 10 s
        schedule.Add(2, 300, 1000, links.Path(1, 0), 0);   // same rack: 100 B/s, 3 s
        var end = TimeSpan.FromSeconds(10).Ticks;
        Assert.Equal(2, schedule.TakeFinished(end).Count);
        Assert.Equal(500, schedule.Usage.Total(links.Spine), 6);
        Assert.Equal(500, schedule.Usage.Total(0), 6);        // h0 out: the cross-rack stream
        Assert.Equal(300, schedule.Usage.Total(1), 6);        // h0 in
        Assert.Equal(300, schedule.Usage.Total(2), 6);        // h1 out
    }
}
