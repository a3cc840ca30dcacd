namespace Virtsim.Fleet.Migration;

/// <summary>
/// What a migration moves and how the guest disturbs it: <see cref="MemoryBytes"/> of guest memory (round 0 sends
/// all of it) and writes at <see cref="DirtyRate"/> bytes per second over the first <see cref="WorkingSetBytes"/>
/// (the VM keys <c>memory</c>, <c>dirty-rate</c>, <c>working-set</c>).
/// </summary>
/// <param name="MemoryBytes">Guest memory, bytes (rounded up to whole 4 KiB pages).</param>
/// <param name="WorkingSetBytes">The part written to, from address 0; at most the memory.</param>
/// <param name="DirtyRate">Bytes written per second (as whole-page writes), before any throttle.</param>
public sealed record GuestWorkload(long MemoryBytes, long WorkingSetBytes, long DirtyRate)
{
    /// <summary>Pages of memory (round 0's pages).</summary>
    public long MemoryPages => (MemoryBytes + GuestDirtier.PageSize - 1) / GuestDirtier.PageSize;

    /// <summary>Pages of the working set.</summary>
    public long WorkingSetPages => (WorkingSetBytes + GuestDirtier.PageSize - 1) / GuestDirtier.PageSize;

    /// <summary>Every reason this workload cannot run; empty when it can.</summary>
    public IReadOnlyList<string> Validate()
    {
        var reasons = new List<string>();
        if (MemoryBytes <= 0) reasons.Add($"memory must be positive, not {MemoryBytes} bytes");
        if (WorkingSetBytes <= 0) reasons.Add($"working-set must be positive, not {WorkingSetBytes} bytes");
        else if (WorkingSetBytes > MemoryBytes) reasons.Add($"working-set ({WorkingSetBytes} bytes) must not exceed memory ({MemoryBytes} bytes)");
        if (DirtyRate < 0) reasons.Add($"dirty-rate must not be negative, not {DirtyRate} bytes/s");
        return reasons;
    }

    /// <summary>Throws <see cref="ArgumentException"/> with every reason when <see cref="Validate"/> finds any.</summary>
    public void EnsureValid()
    {
        var reasons = Validate();
        if (reasons.Count > 0) throw new ArgumentException("invalid guest workload: " + string.Join("; ", reasons));
    }
}
