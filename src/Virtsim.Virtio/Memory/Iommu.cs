namespace Virtsim.Virtio.Memory;

/// <summary>A host's IOMMU: translation domains keyed by PASID, and a record of the faults devices hit.</summary>
public sealed class Iommu
{
    private readonly Dictionary<uint, IommuDomain> _domains = [];

    /// <summary>The domain for <paramref name="pasid"/>, created empty on first use.</summary>
    public IommuDomain Domain(uint pasid)
    {
        if (!_domains.TryGetValue(pasid, out var domain))
            _domains[pasid] = domain = new IommuDomain(pasid);
        return domain;
    }

    /// <summary>Removes the domain for <paramref name="pasid"/>; devices using it fault from then on.</summary>
    public bool RemoveDomain(uint pasid) => _domains.Remove(pasid);

    /// <summary>The PASIDs with a domain.</summary>
    public IEnumerable<uint> Pasids => _domains.Keys;
}
