using Virtsim.Virtio.Memory;

namespace Virtsim.Virtio.Tests.Memory;

public class IommuTests
{
    [Fact]
    public void Translates_inside_a_mapping_with_contiguous_length()
    {
        var domain = new Iommu().Domain(7);
        domain.Map(0x10_0000, 0x4000, 0x2000, IommuPermissions.ReadWrite);
        Assert.Equal(IommuResult.Ok, domain.Translate(0x10_0010, IommuPermissions.Read, out var gpa, out var run));
        Assert.Equal(0x4010UL, gpa);
        Assert.Equal(0x2000UL - 0x10, run);
        Assert.Equal(IommuResult.NoMapping, domain.Translate(0x10_2000, IommuPermissions.Read, out _, out _));
        Assert.Equal(IommuResult.NoMapping, domain.Translate(0x0F_FFFF, IommuPermissions.Read, out _, out _));
    }

    [Fact]
    public void Permissions_are_enforced_per_direction()
    {
        var domain = new IommuDomain(0);
        domain.Map(0, 0x1000, 0x1000, IommuPermissions.Read);
        Assert.Equal(IommuResult.Ok, domain.Translate(0x10, IommuPermissions.Read, out _, out _));
        Assert.Equal(IommuResult.PermissionDenied, domain.Translate(0x10, IommuPermissions.Write, out _, out _));
    }

    [Fact]
    public void Bad_mappings_are_refused()
    {
        var domain = new IommuDomain(0);
        Assert.Throws<ArgumentException>(() => domain.Map(0x10, 0, 0x1000, IommuPermissions.Read));
        Assert.Throws<ArgumentException>(() => domain.Map(0, 0, 0, IommuPermissions.Read));
        Assert.Throws<ArgumentException>(() => domain.Map(ulong.MaxValue - 0xFFF, 0, 0x2000, IommuPermissions.Read));
        domain.Map(0x1000, 0, 0x2000, IommuPermissions.Read);
        Assert.Throws<ArgumentException>(() => domain.Map(0x2000, 0x8000, 0x1000, IommuPermissions.Read));
        Assert.Throws<ArgumentException>(() => domain.Map(0, 0x8000, 0x2000, IommuPermissions.Read));
    }

    [Fact]
    public void Unmap_splits_a_partially_covered_mapping()
    {
        var domain = new IommuDomain(0);
        domain.Map(0, 0x10000, 0x4000, IommuPermissions.ReadWrite);
        domain.Unmap(0x1000, 0x1000);
        Assert.Equal(2, domain.MappingCount);
        Assert.Equal(IommuResult.NoMapping, domain.Translate(0x1800, IommuPermissions.Read, out _, out _));
        Assert.Equal(IommuResult.Ok, domain.Translate(0x2800, IommuPermissions.Read, out var gpa, out var run));
        Assert.Equal(0x12800UL, gpa);
        Assert.Equal(0x1800UL, run);
    }

    [Fact]
    public void Domains_are_separate_per_pasid()
    {
        var iommu = new Iommu();
        iommu.Domain(1).Map(0, 0, 0x1000, IommuPermissions.Read);
        Assert.Equal(IommuResult.NoMapping, iommu.Domain(2).Translate(0, IommuPermissions.Read, out _, out _));
        Assert.Same(iommu.Domain(1), iommu.Domain(1));
        Assert.True(iommu.RemoveDomain(1));
        Assert.Equal(IommuResult.NoMapping, iommu.Domain(1).Translate(0, IommuPermissions.Read, out _, out _));
    }
}
