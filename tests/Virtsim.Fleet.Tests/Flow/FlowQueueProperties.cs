using FsCheck;
using FsCheck.Fluent;
using Virtsim.Fleet.Backends;
using Virtsim.Fleet.Flow;
using Virtsim.Fleet.Vendors;

namespace Virtsim.Fleet.Tests.Flow;

// The flow model against simple queueing references: a deterministic-service FIFO queue with c servers simulated event
// by event (the D/D/c or M/D/c queue of the arrivals given), Little's law, and the batching rule.
public class FlowQueueProperties
{
    private static VendorTiming Timing(int perRequestUs, int lanes) => new()
    {
        PerRequestCost = TimeSpan.FromMicroseconds(perRequestUs),
        PerKibCost = TimeSpan.FromTicks(2),
        ParallelTransactions = lanes,
    };

    // arrivals: gaps between requests (ticks) and their sizes.
    private static Arbitrary<(int Lanes, int ServiceUs, (int Gap, int Bytes)[] Requests)> Cases() =>
        (from lanes in Gen.Choose(1, 8)
         from service in Gen.Choose(1, 20)
         from requests in Gen.ArrayOf(from gap in Gen.Frequency((3, Gen.Constant(0)), (2, Gen.Choose(1, 400)))
                                      from bytes in Gen.Elements(0, 512, 4096, 65536)
                                      select (gap, bytes))
         select (lanes, service, requests)).ToArbitrary();

    // Reference: servers free at known ticks; each request, in arrival order, starts when it has arrived and the
    // earliest-free server is free (FIFO, work-conserving); written apart from BackendServiceModel.
    private static long[] ReferenceFinishes(int lanes, long perRequest, long perKib, (long At, long Bytes)[] arrivals)
    {
        var free = new SortedList<(long, int), int>();
        for (int s = 0; s < lanes; s++) free.Add((0, s), s);
        var finishes = new long[arrivals.Length];
        for (int i = 0; i < arrivals.Length; i++)
        {
            var (at, bytes) = arrivals[i];
            var first = free.Keys[0];
            free.RemoveAt(0);
            long start = Math.Max(at, first.Item1);
            finishes[i] = start + perRequest + bytes * perKib / 1024;
            free.Add((finishes[i], first.Item2), first.Item2);
        }
        return finishes;
    }

    private static (long At, long Bytes)[] Arrivals((int Gap, int Bytes)[] requests)
    {
        long t = 0;
        return [.. requests.Select(r => (t += r.Gap, (long)r.Bytes))];
    }

    [Fact]
    public void Finish_times_are_those_of_a_fifo_queue_with_deterministic_service_on_the_vendors_lanes()
    {
        Prop.ForAll(Cases(), c =>
        {
            var timing = Timing(c.ServiceUs, c.Lanes);
            var queue = new FlowQueue<int>(new BackendServiceModel(BackendKind.HardwareVf, timing), 0);
            var arrivals = Arrivals(c.Requests);
            var finishes = arrivals.Select((a, i) => queue.Add(i, a.Bytes, a.At)).ToArray();
            var reference = ReferenceFinishes(c.Lanes, timing.PerRequestCost.Ticks, timing.PerKibCost.Ticks, arrivals);
            return finishes.SequenceEqual(reference);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Littles_law_holds_and_a_batch_at_once_takes_ceil_n_over_c_service_times()
    {
        Prop.ForAll(Cases(), c =>
        {
            var timing = Timing(c.ServiceUs, c.Lanes);
            var queue = new FlowQueue<int>(new BackendServiceModel(BackendKind.HardwareVf, timing), 0);
            var arrivals = Arrivals(c.Requests);
            var finishes = arrivals.Select((a, i) => queue.Add(i, a.Bytes, a.At)).ToArray();
            if (arrivals.Length == 0) return true;
            // L = lambda W over [0, T]: the time integral of the number in the system equals the sum of the sojourn times.
            long end = finishes.Max();
            var events = arrivals.Select(a => (a.At, +1)).Concat(finishes.Select(f => (f, -1))).OrderBy(e => e.Item1).ThenBy(e => e.Item2).ToList();
            long area = 0, last = 0;
            int inSystem = 0, most = 0;
            foreach (var (at, delta) in events)
            {
                area += inSystem * (at - last);
                last = at;
                inSystem += delta;
                most = Math.Max(most, inSystem);
            }
            long sojourns = arrivals.Select((a, i) => finishes[i] - a.At).Sum();
            bool little = area == sojourns && last == end && inSystem == 0;
            // Requests of equal size arriving together: ceil(n/c) service times (work conserving, no lane idle).
            int n = arrivals.Length;
            var batch = new FlowQueue<int>(new BackendServiceModel(BackendKind.HardwareVf, timing), 0);
            long makespan = Enumerable.Range(0, n).Select(i => batch.Add(i, 512, 0)).Max();
            long service = timing.PerRequestCost.Ticks + 512 * timing.PerKibCost.Ticks / 1024;
            return little && makespan == (n + c.Lanes - 1) / c.Lanes * service;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Every_request_is_delivered_once_at_the_end_of_the_window_its_finish_falls_in()
    {
        var windows = Gen.Elements(0L, 1L, 10L, 10_000L, 100_000L);
        Prop.ForAll(Cases(), windows.ToArbitrary(), (c, window) =>
        {
            var queue = new FlowQueue<int>(new BackendServiceModel(BackendKind.HardwareVf, Timing(c.ServiceUs, c.Lanes)), window);
            var arrivals = Arrivals(c.Requests);
            var finish = new Dictionary<int, long>();
            var delivered = new List<(int Item, long At)>();
            var into = new List<int>();
            int events = 0;
            for (int i = 0; i < arrivals.Length; i++)
            {
                // Deliver what is due before this arrival, as an actor's timer would.
                while (queue.NextDue is { } due && due <= arrivals[i].At) Deliver(due);
                finish[i] = queue.Add(i, arrivals[i].Bytes, arrivals[i].At);
            }
            while (queue.NextDue is { } due) Deliver(due);
            void Deliver(long at)
            {
                into.Clear();
                if (queue.TakeDue(at, into) > 0) events++;
                delivered.AddRange(into.Select(x => (x, at)));
            }
            bool once = delivered.Select(d => d.Item).OrderBy(x => x).SequenceEqual(Enumerable.Range(0, arrivals.Length));
            bool inWindow = delivered.All(d => d.At >= finish[d.Item] && (window == 0 ? d.At == finish[d.Item] : d.At - finish[d.Item] < window && d.At % window == 0));
            bool ordered = delivered.Zip(delivered.Skip(1)).All(p => p.Item1.At <= p.Item2.At);
            int windowsUsed = finish.Values.Select(f => FlowQueue<int>.DeliveryTime(f, window)).Distinct().Count();
            return once && inWindow && ordered && events == windowsUsed && queue.Count == 0;
        }).QuickCheckThrowOnFailure();
    }
}
