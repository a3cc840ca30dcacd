namespace Virtsim.Virtio.Memory;

/// <summary>
/// One IOMMU translation domain (one PASID): IO-virtual ranges mapped to guest-physical ranges with
/// permissions. Ranges are page-aligned (4 KiB) and never overlap.
/// </summary>
public sealed class IommuDomain
{
    /// <summary>IOMMU page size.</summary>
    public const ulong PageSize = 4096;

    private readonly List<Mapping> _mappings = []; // sorted by Iova
    private int _lastHit = -1;

    /// <summary>Creates a domain for process address space id <paramref name="pasid"/>.</summary>
    public IommuDomain(uint pasid) => Pasid = pasid;

    /// <summary>The process address space id this domain serves.</summary>
    public uint Pasid { get; }

    /// <summary>Number of mappings.</summary>
    public int MappingCount => _mappings.Count;

    /// <summary>Maps [<paramref name="iova"/>, +<paramref name="size"/>) to <paramref name="guestAddress"/>.</summary>
    /// <exception cref="ArgumentException">Unaligned, empty, wrapping or overlapping ranges.</exception>
    public void Map(ulong iova, ulong guestAddress, ulong size, IommuPermissions permissions)
    {
        if (size == 0 || iova % PageSize != 0 || guestAddress % PageSize != 0 || size % PageSize != 0)
            throw new ArgumentException($"IOMMU mappings are non-empty and 4 KiB aligned (iova 0x{iova:x}, gpa 0x{guestAddress:x}, size 0x{size:x})");
        if (iova + size < iova || guestAddress + size < guestAddress)
            throw new ArgumentException($"IOMMU mapping at iova 0x{iova:x} of size 0x{size:x} wraps the address space");
        int index = LowerBound(iova);
        if (index > 0 && _mappings[index - 1].End > iova || index < _mappings.Count && _mappings[index].Iova < iova + size)
            throw new ArgumentException($"IOMMU mapping at iova 0x{iova:x} of size 0x{size:x} overlaps an existing mapping");
        _mappings.Insert(index, new Mapping(iova, size, guestAddress, permissions));
        _lastHit = -1;
    }

    /// <summary>Removes every mapping that lies inside [<paramref name="iova"/>, +<paramref name="size"/>), splitting partial ones.</summary>
    public void Unmap(ulong iova, ulong size)
    {
        ulong end = iova + size;
        var kept = new List<Mapping>(_mappings.Count + 1);
        foreach (var m in _mappings)
        {
            if (m.End <= iova || m.Iova >= end) { kept.Add(m); continue; }
            if (m.Iova < iova) kept.Add(m with { Size = iova - m.Iova });
            if (m.End > end) kept.Add(new Mapping(end, m.End - end, m.GuestAddress + (end - m.Iova), m.Permissions));
        }
        _mappings.Clear();
        _mappings.AddRange(kept);
        _lastHit = -1;
    }

    /// <summary>
    /// Translates <paramref name="iova"/> for an access needing <paramref name="needed"/>. On success gives
    /// the guest-physical address and how many bytes from there are contiguous in the same mapping.
    /// </summary>
    public IommuResult Translate(ulong iova, IommuPermissions needed, out ulong guestAddress, out ulong contiguous)
    {
        int index = _lastHit;
        if (index < 0 || index >= _mappings.Count || !_mappings[index].Contains(iova))
        {
            index = LowerBound(iova + 1) - 1;
            if (index < 0 || !_mappings[index].Contains(iova))
            {
                guestAddress = 0;
                contiguous = 0;
                return IommuResult.NoMapping;
            }
            _lastHit = index;
        }
        var m = _mappings[index];
        guestAddress = m.GuestAddress + (iova - m.Iova);
        contiguous = m.End - iova;
        return (m.Permissions & needed) == needed ? IommuResult.Ok : IommuResult.PermissionDenied;
    }

    // First index whose Iova is >= iova.
    private int LowerBound(ulong iova)
    {
        int lo = 0, hi = _mappings.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_mappings[mid].Iova < iova) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    private readonly record struct Mapping(ulong Iova, ulong Size, ulong GuestAddress, IommuPermissions Permissions)
    {
        public ulong End => Iova + Size;
        public bool Contains(ulong iova) => iova - Iova < Size;
    }
}

/// <summary>Outcome of an IOMMU translation.</summary>
public enum IommuResult : byte
{
    /// <summary>Translated and permitted.</summary>
    Ok,
    /// <summary>No mapping covers the address: an IOMMU page fault.</summary>
    NoMapping,
    /// <summary>A mapping exists but does not allow this direction.</summary>
    PermissionDenied,
}
