using Virtsim.Fleet.Vendors;

namespace Virtsim.Fleet.Backends;

/// <summary>
/// When a backend of a given <see cref="BackendKind"/> finishes a request, as pure arithmetic on virtual ticks.
/// Every request costs the vendor's <see cref="VendorTiming.PerRequestCost"/> plus <see cref="VendorTiming.PerKibCost"/>
/// per KiB it moves, served on lanes in arrival order:
/// <list type="bullet">
/// <item><see cref="BackendKind.InHypervisor"/>: one lane (the VMM's I/O thread serves requests one after another).</item>
/// <item><see cref="BackendKind.VhostUser"/>: one lane, and a request that finds the backend idle first pays
/// <see cref="VendorTiming.BackendWakeupCost"/> (the eventfd kick wakes the worker thread).</item>
/// <item><see cref="BackendKind.HardwareVf"/>: <see cref="VendorTiming.ParallelTransactions"/> lanes (the device's
/// engines serve that many requests at once); a request takes the lane that frees first.</item>
/// </list>
/// </summary>
public sealed class BackendServiceModel
{
    private readonly BackendKind _kind;
    private readonly VendorTiming _timing;
    private readonly long[] _laneFreeAt;

    /// <summary>Creates the model with every lane free.</summary>
    public BackendServiceModel(BackendKind kind, VendorTiming timing)
    {
        ArgumentNullException.ThrowIfNull(timing);
        _kind = kind;
        _timing = timing;
        _laneFreeAt = new long[kind is BackendKind.HardwareVf or BackendKind.Vdpa ? Math.Max(1, timing.ParallelTransactions) : 1];
    }

    /// <summary>Number of requests served at once.</summary>
    public int Lanes => _laneFreeAt.Length;

    /// <summary>The service time of one request moving <paramref name="payloadBytes"/>, without queueing or wakeup.</summary>
    public long ServiceTicks(long payloadBytes) => _timing.PerRequestCost.Ticks + payloadBytes * _timing.PerKibCost.Ticks / 1024;

    /// <summary>
    /// Books a request arriving at <paramref name="nowTicks"/> and returns the lane it runs on and the tick it finishes at.
    /// </summary>
    public (int Lane, long FinishTicks) Schedule(long nowTicks, long payloadBytes)
    {
        int lane = 0;
        bool idle = true;
        for (int i = 0; i < _laneFreeAt.Length; i++)
        {
            if (_laneFreeAt[i] < _laneFreeAt[lane]) lane = i;
            if (_laneFreeAt[i] > nowTicks) idle = false;
        }
        long start = Math.Max(nowTicks, _laneFreeAt[lane]);
        if (_kind == BackendKind.VhostUser && idle) start += _timing.BackendWakeupCost.Ticks;
        long finish = start + ServiceTicks(payloadBytes);
        _laneFreeAt[lane] = finish;
        return (lane, finish);
    }
}
