using Virtsim.VhostUser.Frontend;

namespace Virtsim.VhostUser.Tests.Frontend;

/// <summary>The driver's submitted-not-completed table.</summary>
public sealed class InFlightTableTests
{
    [Fact]
    public void The_in_flight_table_matches_ids_to_entries_and_refuses_unknown_ones()
    {
        var table = new InFlightTable<int>(4);
        table.Add(3, 30);
        table.Add(0, 10);
        Assert.Equal(2, table.Count);
        Assert.Throws<InvalidOperationException>(() => table.Add(3, 31));
        Assert.False(table.TryComplete(1, out _));
        Assert.False(table.TryComplete(9, out _));
        Assert.True(table.TryComplete(3, out int entry));
        Assert.Equal(30, entry);
        Assert.False(table.TryComplete(3, out _)); // completed twice
        Assert.Equal(1, table.Count);
        Assert.True(table.Contains(0));
    }
}
