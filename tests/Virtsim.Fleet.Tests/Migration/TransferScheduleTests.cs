using Virtsim.Fleet.Migration;

namespace Virtsim.Fleet.Tests.Migration;

public class TransferScheduleTests
{
    private const long Second = TimeSpan.TicksPerSecond;

    [Fact]
    public void A_lone_transfer_takes_bytes_over_its_cap()
    {
        var s = new TransferSchedule();
        s.SetLinkCapacity(0, 1000, 0);
        s.SetLinkCapacity(1, 1000, 0);
        s.Add(1, 500, 250, [0, 1], 0);
        Assert.Equal(250, s.Rate(1));
        Assert.Equal(2 * Second, s.NextFinish());
        Assert.Empty(s.TakeFinished(Second));
        Assert.Equal(250, s.Sent(1), 6);
        Assert.Equal([(1L, 500.0)], s.TakeFinished(2 * Second));
        Assert.Equal(0, s.Count);
    }

    [Fact]
    public void Two_transfers_share_a_link_and_the_survivor_speeds_up()
    {
        var s = new TransferSchedule();
        foreach (int link in new[] { 0, 1, 2 }) s.SetLinkCapacity(link, 1000, 0);
        s.Add(1, 1000, double.PositiveInfinity, [0, 1], 0); // both leave host 0's NIC (link 0)
        s.Add(2, 3000, double.PositiveInfinity, [0, 2], 0);
        Assert.Equal((500.0, 500.0), (s.Rate(1), s.Rate(2)));
        Assert.Equal(2 * Second, s.NextFinish());
        Assert.Single(s.TakeFinished(2 * Second));
        Assert.Equal(1000, s.Rate(2)); // alone now
        Assert.Equal(4 * Second, s.NextFinish()); // 2000 bytes left at 1000/s
    }

    [Fact]
    public void A_failed_link_stops_a_transfer_until_it_returns()
    {
        var s = new TransferSchedule();
        s.SetLinkCapacity(0, 100, 0);
        s.Add(7, 100, double.PositiveInfinity, [0], 0);
        s.SetLinkCapacity(0, 0, Second / 2);
        Assert.Null(s.NextFinish());
        Assert.Equal(50, s.Sent(7), 6);
        s.SetLinkCapacity(0, 100, 3 * Second);
        Assert.Equal(3 * Second + Second / 2, s.NextFinish());
        Assert.True(s.Remove(7, 3 * Second));
        Assert.False(s.Remove(7, 3 * Second));
    }
}
