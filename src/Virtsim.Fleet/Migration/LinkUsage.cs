namespace Virtsim.Fleet.Migration;

/// <summary>
/// Bytes moved per link over time, in buckets of a fixed width of virtual time, for the report's chart: a
/// <see cref="TransferSchedule"/> adds every stretch of constant rate of each transfer to each link it crosses. Only
/// links that carried bytes hold buckets. Pure, not thread-safe.
/// </summary>
public sealed class LinkUsage
{
    private readonly Dictionary<int, List<double>> _buckets = [];
    private readonly long _width;

    /// <summary>Usage in buckets of <paramref name="bucketTicks"/> ticks.</summary>
    public LinkUsage(long bucketTicks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bucketTicks, 1);
        _width = bucketTicks;
    }

    /// <summary>The bucket width in ticks.</summary>
    public long BucketTicks => _width;

    /// <summary>Links that carried bytes.</summary>
    public IEnumerable<int> Links => _buckets.Keys;

    /// <summary>Adds <paramref name="bytesPerSecond"/> from <paramref name="fromTicks"/> to <paramref name="toTicks"/> on each of <paramref name="links"/>.</summary>
    public void Add(IReadOnlyList<int> links, double bytesPerSecond, long fromTicks, long toTicks)
    {
        ArgumentNullException.ThrowIfNull(links);
        if (bytesPerSecond <= 0 || toTicks <= fromTicks) return;
        foreach (int link in links)
        {
            if (!_buckets.TryGetValue(link, out var buckets)) _buckets[link] = buckets = [];
            for (long t = fromTicks; t < toTicks;)
            {
                int index = (int)(t / _width);
                long end = Math.Min(toTicks, (index + 1) * _width);
                while (buckets.Count <= index) buckets.Add(0);
                buckets[index] += bytesPerSecond * (end - t) / TimeSpan.TicksPerSecond;
                t = end;
            }
        }
    }

    /// <summary>Bytes per bucket on <paramref name="link"/> (bucket i covers [i x width, (i + 1) x width)).</summary>
    public IReadOnlyList<double> Buckets(int link) => _buckets.TryGetValue(link, out var b) ? b : [];

    /// <summary>All bytes <paramref name="link"/> carried.</summary>
    public double Total(int link) => _buckets.TryGetValue(link, out var b) ? b.Sum() : 0;
}
