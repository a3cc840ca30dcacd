using Virtsim.Actors.Time;

namespace Virtsim.Actors.Tests.Time;

public class RealTimeSchedulerTests
{
    [Fact]
    public void A_sub_millisecond_interval_keeps_repeating()
    {
        var scheduler = new RealTimeScheduler(TimeProvider.System);
        int fired = 0;
        using var done = new ManualResetEventSlim();
        var timer = scheduler.ScheduleRepeatedly(TimeSpan.Zero, TimeSpan.FromTicks(1000), () =>
        {
            if (Interlocked.Increment(ref fired) == 3) done.Set();
        });
        try
        {
            Assert.True(done.Wait(TimeSpan.FromSeconds(10)), $"fired {fired} time(s) only");
        }
        finally
        {
            timer.Cancel();
        }
    }
}
