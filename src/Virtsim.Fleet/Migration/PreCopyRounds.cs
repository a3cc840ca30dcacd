namespace Virtsim.Fleet.Migration;

/// <summary>
/// The round loop shared by <see cref="PreCopyModel"/> and <see cref="PreCopySimulation"/>, so both run the same
/// rounds: round 0 sends all memory; each round lasts its pages x 4 KiB / bandwidth; the sync after it finds the
/// pages dirtied meanwhile (how many is the <see cref="IRoundDirtying"/>'s business), feeds auto-converge (when on)
/// and asks <see cref="PreCopyRule"/>; the next round sends those pages. Writes during a round land in the log for the
/// next one even when the page is still to be sent in this one (as QEMU: the sync clears the log, sending clears the
/// migration bitmap).
/// </summary>
internal static class PreCopyRounds
{
    public static PreCopyResult Run(GuestWorkload workload, MigrationSettings settings, IRoundDirtying dirtying)
    {
        workload.EnsureValid();
        settings.EnsureValid();
        double bandwidth = settings.Bandwidth;
        double memoryPages = workload.MemoryPages;
        if (settings.Mode == MigrationMode.PostCopy)
            return new PreCopyResult
            {
                Mode = settings.Mode, Rounds = 0, StopReason = PreCopyStopReason.PostCopySwitch,
                PagesSent = memoryPages, PagesResent = 0, StopAndCopyPages = 0, PostCopyPages = memoryPages,
                Downtime = TimeSpan.Zero, TotalTime = PreCopyRule.TransferTime(memoryPages * GuestDirtier.PageSize, bandwidth),
                FinalThrottlePercent = 0, RoundLog = [],
            };

        var throttle = settings.AutoConverge ? AutoConverge.For(settings) : null;
        var log = new List<PreCopyRound>();
        double toSend = memoryPages, sent = 0;
        var elapsed = TimeSpan.Zero;
        for (int round = 0; ; round++)
        {
            var duration = PreCopyRule.TransferTime(toSend * GuestDirtier.PageSize, bandwidth);
            int percent = throttle?.ThrottlePercent ?? 0;
            double dirtied = dirtying.DirtyDuring(duration, percent);
            sent += toSend;
            elapsed += duration;
            log.Add(new PreCopyRound(round, toSend, duration, percent, dirtied));
            throttle?.OnSync(duration, dirtied * GuestDirtier.PageSize, toSend * GuestDirtier.PageSize);

            var decision = PreCopyRule.Decide(dirtied * GuestDirtier.PageSize, bandwidth, round + 1, settings);
            if (!decision.Stops)
            {
                toSend = dirtied;
                continue;
            }
            bool stopAndCopy = decision.Action == PreCopyAction.StopAndCopy;
            var rest = PreCopyRule.TransferTime(dirtied * GuestDirtier.PageSize, bandwidth);
            return new PreCopyResult
            {
                Mode = settings.Mode, Rounds = round + 1, StopReason = decision.Reason,
                PagesSent = sent + dirtied, PagesResent = sent + dirtied - memoryPages,
                StopAndCopyPages = stopAndCopy ? dirtied : 0, PostCopyPages = stopAndCopy ? 0 : dirtied,
                Downtime = stopAndCopy ? rest : TimeSpan.Zero, TotalTime = elapsed + rest,
                FinalThrottlePercent = throttle?.ThrottlePercent ?? 0, RoundLog = log,
            };
        }
    }
}
