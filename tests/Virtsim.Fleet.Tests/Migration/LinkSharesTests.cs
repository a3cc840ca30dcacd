using FsCheck;
using FsCheck.Fluent;
using Virtsim.Fleet.Migration;

namespace Virtsim.Fleet.Tests.Migration;

public class LinkSharesTests
{
    private const double MiB = 1 << 20;
    private const double GiB = 1 << 30;

    private static double[] Solve(LinkShares shares)
    {
        var rates = new double[shares.TransferCount];
        shares.Solve(rates);
        return rates;
    }

    [Fact]
    public void Transfers_on_one_link_split_it_evenly_unless_a_cap_holds_one_back()
    {
        var shares = new LinkShares();
        shares.SetCapacity(0, 10 * GiB);
        shares.AddTransfer(double.PositiveInfinity, 0);
        shares.AddTransfer(double.PositiveInfinity, 0);
        Assert.Equal([5 * GiB, 5 * GiB], Solve(shares));

        shares.Clear();
        shares.AddTransfer(2 * GiB, 0);
        shares.AddTransfer(double.PositiveInfinity, 0);
        Assert.Equal([2 * GiB, 8 * GiB], Solve(shares));
        Assert.Equal(10 * GiB, shares.Capacity(0));
    }

    [Fact]
    public void The_textbook_case_a_transfer_bottlenecked_elsewhere_leaves_its_share_to_the_others()
    {
        // Links A and B of 10; t0 on A, t1 on A and B, t2 and t3 on B. B splits in three (10/3 each), t0 takes A's rest.
        var shares = new LinkShares();
        shares.SetCapacity(0, 10);
        shares.SetCapacity(1, 10);
        shares.AddTransfer(double.PositiveInfinity, 0);
        shares.AddTransfer(double.PositiveInfinity, 0, 1);
        shares.AddTransfer(double.PositiveInfinity, 1);
        shares.AddTransfer(double.PositiveInfinity, 1);
        var rates = Solve(shares);
        Assert.Equal(20.0 / 3, rates[0], 12);
        Assert.All(rates[1..], r => Assert.Equal(10.0 / 3, r, 12));
        Assert.Equal(2, shares.LastRounds);
    }

    [Fact]
    public void A_wave_from_one_host_shares_its_NIC_and_each_migration_keeps_to_its_own_cap()
    {
        // Host 0 (egress link 0) sends to hosts 1..n (ingress links 2i + 1); NICs of 1 GiB/s, migrations capped at 128 MiB/s.
        for (int n = 1; n <= 16; n *= 2)
        {
            var shares = new LinkShares();
            for (int host = 0; host <= n; host++)
            {
                shares.SetCapacity(2 * host, GiB);
                shares.SetCapacity(2 * host + 1, GiB);
            }
            for (int i = 1; i <= n; i++) shares.AddTransfer(128 * MiB, 0, 2 * i + 1);
            Assert.All(Solve(shares), r => Assert.Equal(Math.Min(128 * MiB, GiB / n), r));
        }
    }

    [Fact]
    public void Zero_capacity_or_cap_gives_zero_and_bad_input_is_refused_with_the_reason()
    {
        var shares = new LinkShares();
        shares.SetCapacity(0, 0);
        shares.SetCapacity(1, 100);
        shares.AddTransfer(double.PositiveInfinity, 0, 1);
        shares.AddTransfer(0, 1);
        shares.AddTransfer(30, 1, 1); // a link listed twice counts once
        shares.AddTransfer(500); // no link: its cap alone
        Assert.Equal([0, 0, 30, 500], Solve(shares));
        Assert.Contains("no capacity set", Assert.Throws<ArgumentException>(() => shares.AddTransfer(1, 7)).Message);
        Assert.Contains("unbounded", Assert.Throws<ArgumentException>(() => shares.AddTransfer(double.PositiveInfinity)).Message);
        Assert.Contains("at least 0", Assert.Throws<ArgumentOutOfRangeException>(() => shares.AddTransfer(-1, 1)).Message);
        Assert.Contains("finite", Assert.Throws<ArgumentOutOfRangeException>(() => shares.SetCapacity(2, double.PositiveInfinity)).Message);
        Assert.Contains("room for 1 rates", Assert.Throws<ArgumentException>(() => shares.Solve(new double[1])).Message);
    }

    private sealed record Problem(double[] Capacities, (double Cap, int[] Links)[] Transfers);

    private static readonly Gen<Problem> Problems =
        from linkCount in Gen.Choose(1, 30)
        from capacities in Gen.ArrayOf(Gen.Choose(0, 1000).Select(c => (double)c), linkCount)
        from transfers in Gen.ArrayOf(
            from cap in Gen.Frequency((1, Gen.Constant(double.PositiveInfinity)), (3, Gen.Choose(0, 600).Select(c => (double)c)))
            from length in Gen.Choose(1, 4)
            from links in Gen.ArrayOf(Gen.Choose(0, linkCount - 1), length)
            select (cap, links))
        select new Problem(capacities, transfers);

    private static double[] SolveProblem(Problem p, out LinkShares shares)
    {
        shares = new LinkShares();
        for (int l = 0; l < p.Capacities.Length; l++) shares.SetCapacity(l, p.Capacities[l]);
        foreach (var (cap, links) in p.Transfers) shares.AddTransfer(cap, links);
        return Solve(shares);
    }

    [Fact]
    public void Any_set_of_transfers_gets_a_feasible_max_min_fair_allocation()
    {
        Prop.ForAll(Problems.ToArbitrary(), p =>
        {
            var rates = SolveProblem(p, out _);
            var load = new double[p.Capacities.Length];
            var top = new double[p.Capacities.Length];
            for (int t = 0; t < rates.Length; t++)
                foreach (int l in p.Transfers[t].Links.Distinct())
                {
                    load[l] += rates[t];
                    top[l] = Math.Max(top[l], rates[t]);
                }
            const double eps = 1e-9;
            for (int l = 0; l < load.Length; l++)
                if (load[l] > p.Capacities[l] * (1 + eps) + eps) return false.Label($"link {l} over capacity: {load[l]} > {p.Capacities[l]}");
            for (int t = 0; t < rates.Length; t++)
            {
                var (cap, links) = p.Transfers[t];
                if (rates[t] < 0 || rates[t] > cap * (1 + eps)) return false.Label($"transfer {t} over its cap: {rates[t]} > {cap}");
                // Max-min fair: each transfer is held by its cap, or by a full link on which nobody gets more than it.
                bool atCap = rates[t] >= cap * (1 - eps);
                bool bottlenecked = links.Any(l => load[l] >= p.Capacities[l] * (1 - eps) - eps && rates[t] >= top[l] * (1 - eps) - eps);
                if (!atCap && !bottlenecked) return false.Label($"transfer {t} at {rates[t]} could get more");
            }
            return true.ToProperty();
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));
    }

    [Fact]
    public void Any_order_of_the_transfers_gives_each_the_same_rate_and_the_same_order_the_same_bits()
    {
        var cases =
            from p in Problems
            from keys in Gen.ArrayOf(Gen.Choose(0, 1_000_000), p.Transfers.Length)
            select (p, keys);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var rates = SolveProblem(c.p, out _);
            var again = SolveProblem(c.p, out _);
            int[] order = Enumerable.Range(0, c.p.Transfers.Length).OrderBy(i => c.keys[i]).ThenBy(i => i).ToArray();
            var shuffled = SolveProblem(c.p with { Transfers = order.Select(i => c.p.Transfers[i]).ToArray() }, out _);
            for (int k = 0; k < order.Length; k++)
                if (Math.Abs(shuffled[k] - rates[order[k]]) > 1e-9 * Math.Max(1, rates[order[k]])) return false;
            return rates.SequenceEqual(again);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Fact]
    public void A_fleet_of_20000_hosts_costs_only_the_links_its_migrations_use()
    {
        // 1,000 migrations among the first 500 hosts, in a fleet of 20,000 and in one of 500: the same work, and the
        // solve visits no link of the 19,500 idle hosts.
        var random = new Random(11);
        var pairs = Enumerable.Range(0, 1000).Select(_ => (from: random.Next(500), to: random.Next(500))).ToList();
        (long Work, int Rounds, double[] Rates, int Links) Run(int hosts)
        {
            var shares = new LinkShares();
            for (int h = 0; h < hosts; h++)
            {
                shares.SetCapacity(2 * h, 10 * GiB / 8);
                shares.SetCapacity(2 * h + 1, 10 * GiB / 8);
            }
            foreach (var (from, to) in pairs) shares.AddTransfer(128 * MiB, 2 * from, 2 * to + 1);
            var rates = Solve(shares);
            // A second solve after a change must not carry anything over.
            shares.Clear();
            foreach (var (from, to) in pairs) shares.AddTransfer(128 * MiB, 2 * from, 2 * to + 1);
            var again = Solve(shares);
            Assert.Equal(rates, again);
            return (shares.LastWork, shares.LastRounds, rates, shares.LinksInUse);
        }
        var big = Run(20_000);
        var small = Run(500);
        Assert.Equal(small.Work, big.Work);
        Assert.Equal(small.Rates, big.Rates);
        Assert.True(big.Links <= 1000, $"{big.Links} links in use");
        Assert.True(big.Work <= (long)big.Rounds * (big.Links + 1000));
    }
}
