using Virtsim.VhostUser.Backend;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;
using Virtsim.Virtio.Queues.Packed;

namespace Virtsim.VhostUser.Tests.Inflight;

/// <summary>
/// The core packed queues with in-flight tracking, the device killed after every single store the tracker
/// makes in turn (seeded traffic: chains of 1 to 3 descriptors, completions out of order) and replaced by one
/// recovered from the area: every request the driver submitted comes back exactly once, with its own length.
/// </summary>
public class PackedInflightKillTests
{
    private const ushort Size = 8;
    private const int Requests = 24;
    private const ulong Ring = 0x1000, DriverArea = 0x2000, DeviceArea = 0x2004, Data = 0x10000;

    private sealed class Killed : Exception;

    private sealed class Run
    {
        private readonly Random _random;
        private readonly GuestMemory _memory = GuestMemory.WithArray(0x40000);
        private readonly QueueConfig _config = new(QueueFormat.Packed, Size, Ring, DriverArea, DeviceArea, FeatureSet.Of(FeatureBit.Version1, FeatureBit.RingPacked));
        private readonly PackedDriverQueue _driver;
        private readonly InflightRegion _region = InflightRegion.Create(1, Size, packed: true);
        private readonly Dictionary<ushort, int> _driverInFlight = [];
        private readonly int[] _completed = new int[Requests];
        private readonly int _killAt;
        private int _submitted, _steps;

        public Run(int seed, int killAt)
        {
            _random = new Random(seed);
            _killAt = killAt;
            _driver = new PackedDriverQueue(_config, _memory);
        }

        public int Steps => _steps;
        public int Lives { get; private set; }
        public int Resubmitted { get; private set; }

        private static uint WritableLength(int request) => (uint)(16 * (request % 7 + 1));

        private PackedInflightTrackingQueue Life()
        {
            Lives++;
            var tracker = _region.PackedTracker(0);
            var recovery = tracker.Recover(RingPosition.Start, PackedInflightTracker.RingSlotFlags(_memory, Ring));
            var device = PackedDeviceQueue.Restore(recovery.Apply(new QueueState { Config = _config }), new DeviceMemory(_memory));
            foreach (var chain in recovery.Chains) device.Resubmit(chain);
            Resubmitted += recovery.Chains.Length;
            tracker.AfterStep = () => { if (++_steps == _killAt) throw new Killed(); };
            return new PackedInflightTrackingQueue(device, tracker);
        }

        public int[] Go()
        {
            var queue = Life();
            for (int round = 0; round < 10_000 && _completed.Sum() < Requests; round++)
            {
                try { Round(queue); }
                catch (Killed) { queue = Life(); }
                Assert.False(queue.Error.IsError, queue.Error.ToString());
                Take();
            }
            _region.Dispose();
            return _completed;
        }

        private void Round(PackedInflightTrackingQueue queue)
        {
            for (int n = _random.Next(3); n > 0 && _submitted < Requests && _driver.FreeDescriptors >= 3; n--)
            {
                int request = _submitted++;
                int count = 1 + _random.Next(3);
                var segments = new BufferSegment[count];
                for (int i = 0; i < count - 1; i++) segments[i] = new(Data + (ulong)(request * 0x400 + i * 0x80), 16, false);
                segments[^1] = new(Data + (ulong)(request * 0x400 + 0x300), WritableLength(request), true);
                Assert.True(_driver.TryAdd(segments, false, out ushort id));
                _driverInFlight.Add(id, request);
            }
            _driver.PublishAvailable();
            for (int n = _random.Next(4); n > 0 && queue.TryPop(out _) == PopResult.Popped; n--) { }
            for (int n = _random.Next(3); n > 0 && queue.InFlightCount > 0; n--)
            {
                var chain = queue.InFlight[_random.Next(queue.InFlightCount)];
                Assert.True(queue.TryComplete(chain, (uint)chain.WritableLength));
            }
            queue.PublishUsed();
        }

        private void Take()
        {
            while (_driver.TryTakeUsed(out var used) == TakeResult.Taken)
            {
                Assert.True(_driverInFlight.Remove(used.Id, out int request), $"buffer {used.Id} used but not in flight");
                Assert.Equal(WritableLength(request), used.WrittenLength);
                _completed[request]++;
            }
            Assert.False(_driver.Error.IsError, _driver.Error.ToString());
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Killed_after_any_store_every_request_completes_exactly_once(int seed)
    {
        var clean = new Run(seed, killAt: 0);
        Assert.All(clean.Go(), n => Assert.Equal(1, n));
        Assert.Equal(1, clean.Lives);
        int resubmitted = 0;
        for (int killAt = 1; killAt <= clean.Steps; killAt++)
        {
            var run = new Run(seed, killAt);
            var completed = run.Go();
            Assert.True(completed.All(n => n == 1), $"seed {seed}, killed at step {killAt}: completions [{string.Join(",", completed)}]");
            Assert.Equal(2, run.Lives);
            resubmitted += run.Resubmitted;
        }
        Assert.True(resubmitted > 0, "no kill left a request in flight");
    }
}
