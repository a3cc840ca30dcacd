using FsCheck;
using FsCheck.Fluent;
using Virtsim.Actors.Dispatch;

namespace Virtsim.Actors.Tests.Dispatch;

public class MpscQueueTests
{
    [Fact]
    public void Behaves_like_a_fifo_queue_for_any_sequence_of_operations()
    {
        // true = enqueue the next number, false = dequeue; compared with Queue<int>.
        Prop.ForAll<bool[]>(ops =>
        {
            var q = new MpscQueue<int>();
            var model = new Queue<int>();
            var next = 0;
            foreach (var enqueue in ops)
            {
                if (enqueue)
                {
                    q.Enqueue(next);
                    model.Enqueue(next++);
                }
                else
                {
                    var got = q.TryDequeue(out var item);
                    var expected = model.TryDequeue(out var want);
                    if (got != expected || (got && item != want)) return false;
                }
                if (q.IsEmpty != (model.Count == 0)) return false;
            }
            return true;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Concurrent_producers_lose_nothing_and_keep_their_own_order()
    {
        const int producers = 4, perProducer = 200_000;
        var q = new MpscQueue<(int Producer, int Seq)>();
        var threads = Enumerable.Range(0, producers).Select(p => new Thread(() =>
        {
            for (var i = 0; i < perProducer; i++) q.Enqueue((p, i));
        })).ToList();
        threads.ForEach(t => t.Start());

        var last = Enumerable.Repeat(-1, producers).ToArray();
        var received = 0;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (received < producers * perProducer && DateTime.UtcNow < deadline)
        {
            if (!q.TryDequeue(out var item))
            {
                Thread.Yield();
                continue;
            }
            Assert.Equal(last[item.Producer] + 1, item.Seq);
            last[item.Producer] = item.Seq;
            received++;
        }
        threads.ForEach(t => t.Join());

        Assert.Equal(producers * perProducer, received);
        Assert.True(q.IsEmpty);
    }
}
