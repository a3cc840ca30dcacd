using Virtsim.Simulation.Environment;
using Virtsim.Virtio.Memory;

namespace Virtsim.Fleet.Migration;

/// <summary>
/// The same pre-copy rounds as <see cref="PreCopyModel"/>, with actual page writes: a <see cref="GuestDirtier"/>
/// marks a real <see cref="DirtyLog"/> for the length of each round, and the sync after it collects and clears the
/// log (as a migration pass does), so the dirty count is that of a seeded random run, not an expected value. Pure
/// and deterministic for a given random source.
/// </summary>
public static class PreCopySimulation
{
    /// <summary>A page-level run of <paramref name="workload"/> under <paramref name="settings"/>, drawing pages from <paramref name="random"/>.</summary>
    public static PreCopyResult Run(GuestWorkload workload, MigrationSettings settings, IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(random);
        workload.EnsureValid();
        return PreCopyRounds.Run(workload, settings, new PageLevel(workload, random));
    }

    private sealed class PageLevel(GuestWorkload workload, IRandomSource random) : IRoundDirtying
    {
        private readonly GuestDirtier _dirtier = new(workload.DirtyRate, workload.WorkingSetBytes, random);
        private readonly DirtyLog _log = new((ulong)workload.MemoryBytes);

        public double DirtyDuring(TimeSpan duration, int throttlePercent)
        {
            _dirtier.ThrottlePercent = throttlePercent;
            _dirtier.Write(duration, _log);
            return _log.CollectAndClear().Count;
        }
    }
}
