using System.Text.RegularExpressions;
using Virtsim.Experiments.Conformance;

namespace Virtsim.Experiments.Tests.Conformance;

/// <summary>The catalogue's shape: enough cases, unique ids, each citing a numbered spec section and a requirement.</summary>
public partial class CatalogueTests
{
    [Fact]
    public void The_catalogue_has_at_least_60_cases_with_unique_ids()
    {
        var ids = ConformanceCatalogue.All.Select(c => c.Id).ToList();
        Assert.True(ids.Count >= 60, $"only {ids.Count} cases");
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void Every_case_cites_a_numbered_spec_section_and_states_the_requirement()
    {
        foreach (var c in ConformanceCatalogue.All)
        {
            Assert.Matches(SectionNumber(), c.Section);
            Assert.False(string.IsNullOrWhiteSpace(c.Requirement), c.Id);
            Assert.False(string.IsNullOrWhiteSpace(c.Title), c.Id);
            Assert.NotEmpty(c.Devices);
        }
    }

    [Fact]
    public void Both_sides_and_both_ring_formats_are_covered()
    {
        var all = ConformanceCatalogue.All;
        Assert.Contains(all, c => c.Side == ViolationSide.Driver && c.RunFormat == Virtsim.Virtio.Queues.QueueFormat.Packed);
        Assert.Contains(all, c => c.Side == ViolationSide.Driver && c.RunFormat == Virtsim.Virtio.Queues.QueueFormat.Split);
        Assert.Contains(all, c => c.Side == ViolationSide.Device && c.RunFormat == Virtsim.Virtio.Queues.QueueFormat.Packed);
        Assert.Contains(all, c => c.Side == ViolationSide.Device && c.RunFormat == Virtsim.Virtio.Queues.QueueFormat.Split);
    }

    [Fact]
    public void Selecting_an_unknown_case_names_it()
    {
        var e = Assert.Throws<ArgumentException>(() => ConformanceSuite.Select(new ConformanceOptions { CaseIds = ["split.no-such-case"] }));
        Assert.Contains("'split.no-such-case'", e.Message);
    }

    [GeneratedRegex(@"^\d+(\.\d+)* \S")]
    private static partial Regex SectionNumber();
}
