using Virtsim.Fleet.Backends;
using Virtsim.Fleet.Messages.Backend;
using Virtsim.Virtio.Queues;

namespace Virtsim.Fleet.Tests.Backends;

public class BackendInFlightTests
{
    private static BackendRequest Request(ulong tag) => new(tag, 0, 0, 0, false, 1, [1]);

    private static BackendReply Reply(ulong tag) => new(tag, 0, 1, [0]);

    [Fact]
    public void Replies_are_taken_in_pop_order_and_a_second_reply_for_a_tag_is_refused()
    {
        var table = new BackendInFlight();
        var chains = new[] { new DescriptorChain(), new DescriptorChain(), new DescriptorChain() };
        for (int i = 0; i < 3; i++) table.Add(chains[i], Request((ulong)(i + 1)));

        Assert.True(table.SetReply(Reply(2)));
        Assert.False(table.HasReady);                // the oldest (tag 1) has no reply yet
        Assert.False(table.TryTakeReady(out _, out _));
        Assert.False(table.SetReply(Reply(2)));      // duplicate (served by two backend incarnations)
        Assert.False(table.SetReply(Reply(9)));      // no such request

        var unanswered = new List<BackendRequest>();
        table.CollectUnanswered(unanswered);
        Assert.Equal([1UL, 3UL], unanswered.Select(r => r.Tag));

        Assert.True(table.SetReply(Reply(1)));
        Assert.True(table.TryTakeReady(out var first, out var r1));
        Assert.True(table.TryTakeReady(out var second, out var r2));
        Assert.Same(chains[0], first);
        Assert.Same(chains[1], second);
        Assert.Equal((1UL, 2UL), (r1.Tag, r2.Tag));
        Assert.False(table.SetReply(Reply(1)));      // completed: a late duplicate is refused too
        Assert.Equal(1, table.Count);

        table.Clear();
        Assert.Equal(0, table.Count);
        Assert.False(table.SetReply(Reply(3)));      // the queue was reset: late replies are refused
    }
}
