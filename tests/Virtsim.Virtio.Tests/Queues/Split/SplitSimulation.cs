using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;
using Virtsim.Virtio.Queues.Split;

namespace Virtsim.Virtio.Tests.Queues.Split;

/// <summary>
/// A driver and a device running one split ring together through a random sequence of operations, checking
/// that every buffer comes back exactly once, with the segments the driver wrote, the bytes the driver put in
/// and the length and bytes the device wrote.
/// </summary>
internal sealed class SplitSimulation
{
    private const int SlotBytes = 512;

    private readonly Random _random;
    private readonly SplitRing _ring;
    private readonly bool _indirect;
    private readonly bool _batch;
    private readonly SplitDriverQueue _driver;
    private SplitDeviceQueue _device;
    private readonly Dictionary<ushort, Buffer> _outstanding = [];
    private readonly List<DescriptorChain> _deviceInFlight = [];
    private readonly Stack<int> _freeSlots = new();
    private int _nonce;

    public int Added { get; private set; }
    public int Returned { get; private set; }
    public int Restores { get; private set; }
    public int IndirectAdded { get; private set; }

    private sealed class Buffer
    {
        public required int Slot;
        public required BufferSegment[] Segments;
        public required int Nonce;
        public long DeviceWritten = -1;
    }

    public SplitSimulation(int seed, bool indirect, bool eventIdx, bool inOrder, bool batch, int size, ushort start)
    {
        _random = new Random(seed);
        _indirect = indirect;
        _batch = batch;
        _ring = new SplitRing((ushort)size, SplitRing.Features(indirect, eventIdx, inOrder), maxIndirect: 8, dataBytes: size * SlotBytes);
        for (int i = size - 1; i >= 0; i--) _freeSlots.Push(i);
        _driver = _ring.Driver(start);
        _device = start == 0
            ? _ring.Device()
            : SplitDeviceQueue.Restore(new QueueState { Config = _ring.Config, NextAvail = start, NextUsed = start, SignalledUsed = start }, new DeviceMemory(_ring.Memory));
        _device.BatchInOrder = batch;
        _notificationData = seed % 3 == 0;
        _device.UseNotificationData = _notificationData;
    }

    private readonly bool _notificationData;

    public void Run(int steps)
    {
        for (int i = 0; i < steps; i++)
        {
            int op = _random.Next(100);
            if (op < 30) Add();
            else if (op < 42) PublishAvailable();
            else if (op < 57) Pop();
            else if (op < 72) Complete();
            else if (op < 80) PublishUsed();
            else if (op < 92) Take();
            else if (op < 94) SaveAndRestore();
            else if (op < 97) SetNotifications(_random.Next(2) == 0);
            else SetInterrupts(_random.Next(2) == 0);
            CheckHealthy();
        }
        Drain();
    }

    /// <summary>Runs in bursts that move about one buffer each (for long runs that wrap the indices).</summary>
    public void RunBursts(int bursts)
    {
        for (int i = 0; i < bursts; i++)
        {
            for (int k = _random.Next(1, 3); k > 0; k--) Add();
            PublishAvailable();
            for (int k = _random.Next(0, 4); k > 0; k--) Pop();
            for (int k = _random.Next(0, 4); k > 0; k--) Complete();
            PublishUsed();
            for (int k = _random.Next(0, 4); k > 0; k--) Take();
            int rare = _random.Next(1000);
            if (rare == 0) SaveAndRestore();
            else if (rare < 5) SetNotifications(rare % 2 == 0);
            else if (rare < 9) SetInterrupts(rare % 2 == 0);
            CheckHealthy();
        }
        Drain();
    }

    // No lost wakeups: a sleeping device must get a doorbell for new buffers, a waiting driver an interrupt.
    private bool _deviceSleeping;
    private bool _driverWaiting;

    public int Doorbells { get; private set; }
    public int Interrupts { get; private set; }
    public int WakeupChecks { get; private set; }

    private void PublishAvailable()
    {
        ushort before = _ring.AvailIdx;
        bool notify = _driver.PublishAvailable();
        if (notify)
        {
            Doorbells++;
            if (_notificationData) _device.OnNotificationData(_driver.NotificationData(0));
        }
        if (_ring.AvailIdx != before && _deviceSleeping)
        {
            Assert.True(notify, "lost doorbell: the device was waiting for one");
            WakeupChecks++;
            _deviceSleeping = false;
        }
    }

    private void PublishUsed()
    {
        ushort before = _ring.UsedIdx;
        bool interrupt = _device.PublishUsed();
        if (interrupt) Interrupts++;
        if (_ring.UsedIdx != before && _driverWaiting)
        {
            Assert.True(interrupt, "lost interrupt: the driver was waiting for one");
            WakeupChecks++;
            _driverWaiting = false;
        }
    }

    private void SetNotifications(bool enabled)
    {
        _device.SetNotifications(enabled);
        if (!enabled) _deviceSleeping = false;
    }

    private void SetInterrupts(bool enabled)
    {
        bool pending = _driver.SetInterrupts(enabled);
        Assert.False(pending && !enabled);
        // Enabled with nothing pending: the driver sleeps until an interrupt.
        _driverWaiting = enabled && !pending;
    }

    private void CheckHealthy()
    {
        Assert.False(_device.Error.IsError, $"device: {_device.Error}");
        Assert.False(_driver.Error.IsError, $"driver: {_driver.Error}");
    }

    private void Add()
    {
        if (_freeSlots.Count == 0) return;
        bool indirect = _indirect && _random.Next(2) == 0;
        int limit = indirect ? _ring.MaxIndirect : Math.Min((int)_ring.Size, 6);
        int total = 1 + _random.Next(Math.Min(limit, 6));
        int readable = _random.Next(total + 1);
        int slot = _freeSlots.Peek();
        ulong address = _ring.Data + (ulong)slot * SlotBytes;
        var segments = new BufferSegment[total];
        int nonce = ++_nonce;
        for (int i = 0; i < total; i++)
        {
            uint length = (uint)_random.Next(0, 65);
            segments[i] = new BufferSegment(address, length, i >= readable);
            if (i < readable) Assert.True(_ring.Memory.TryWrite(address, Pattern(nonce, i, (int)length)));
            address += 80;
        }
        if (!_driver.TryAdd(segments, indirect, out ushort id))
        {
            Assert.True(indirect ? _driver.FreeDescriptors < 1 : _driver.FreeDescriptors < total);
            return;
        }
        _freeSlots.Pop();
        Assert.False(_outstanding.ContainsKey(id), $"id {id} handed out twice");
        _outstanding[id] = new Buffer { Slot = slot, Segments = segments, Nonce = nonce };
        Added++;
        if (indirect) IndirectAdded++;
    }

    private void Pop()
    {
        var result = _device.TryPop(out var chain);
        Assert.NotEqual(PopResult.Broken, result);
        if (result == PopResult.Empty)
        {
            // An empty pop with notifications on is where a device goes to sleep waiting for a doorbell.
            _deviceSleeping = _device.NotificationsEnabled;
            return;
        }
        _deviceSleeping = false;
        Assert.True(_outstanding.TryGetValue(chain.Id, out var buffer), $"device popped unknown id {chain.Id}");
        Assert.Equal(-1, buffer.DeviceWritten);
        Assert.Equal(buffer.Segments.Length, chain.SegmentCount);
        for (int i = 0; i < buffer.Segments.Length; i++)
        {
            var expected = buffer.Segments[i];
            Assert.Equal(new ChainSegment(expected.Address, expected.Length, expected.DeviceWritable), chain.Segments[i]);
        }
        // The device sees exactly the bytes the driver put in the readable segments.
        ulong offset = 0;
        for (int i = 0; i < chain.ReadableCount; i++)
        {
            var seen = new byte[buffer.Segments[i].Length];
            Assert.True(chain.TryRead(_device.Memory, offset, seen));
            Assert.Equal(Pattern(buffer.Nonce, i, seen.Length), seen);
            offset += (ulong)seen.Length;
        }
        _deviceInFlight.Add(chain);
    }

    private void Complete()
    {
        if (_deviceInFlight.Count == 0) return;
        int index = _ring.Config.InOrder ? 0 : _random.Next(_deviceInFlight.Count);
        var chain = _deviceInFlight[index];
        var buffer = _outstanding[chain.Id];
        // Under IN_ORDER batching, mostly full writes so batches form; otherwise any length.
        long writable = (long)chain.WritableLength;
        long written = _batch && _random.Next(4) != 0 ? writable : _random.NextInt64(writable + 1);
        Assert.True(chain.TryWrite(_device.Memory, 0, Pattern(~buffer.Nonce, 0, (int)written)));
        buffer.DeviceWritten = written;
        Assert.True(_device.TryComplete(chain, (uint)written));
        _deviceInFlight.RemoveAt(index);
    }

    private void Take()
    {
        var result = _driver.TryTakeUsed(out var used);
        Assert.NotEqual(TakeResult.Broken, result);
        if (result == TakeResult.Empty) return;
        Assert.True(_outstanding.Remove(used.Id, out var buffer), $"buffer {used.Id} returned twice or never added");
        Assert.True(buffer.DeviceWritten >= 0, $"buffer {used.Id} returned before the device completed it");
        Assert.Equal((uint)buffer.DeviceWritten, used.WrittenLength);
        // The driver reads back what the device wrote, across the writable segments.
        var expected = Pattern(~buffer.Nonce, 0, (int)used.WrittenLength);
        int at = 0;
        foreach (var s in buffer.Segments.Where(s => s.DeviceWritable))
        {
            int take = Math.Min((int)s.Length, expected.Length - at);
            if (take == 0) continue;
            var got = new byte[take];
            Assert.True(_ring.Memory.TryRead(s.Address, got));
            Assert.Equal(expected.AsSpan(at, take).ToArray(), got);
            at += take;
        }
        Assert.Equal(expected.Length, at);
        _freeSlots.Push(buffer.Slot);
        Returned++;
    }

    private void SaveAndRestore()
    {
        var state = _device.SaveState();
        var ids = _deviceInFlight.Select(c => c.Id).ToArray();
        Assert.Equal(ids, state.InFlight.Select(b => b.Id).ToArray());
        _device = SplitDeviceQueue.Restore(state, new DeviceMemory(_ring.Memory));
        _device.BatchInOrder = _batch;
        _device.UseNotificationData = _notificationData;
        _deviceInFlight.Clear();
        _deviceInFlight.AddRange(_device.InFlight);
        Assert.Equal(ids, _deviceInFlight.Select(c => c.Id).ToArray());
        Restores++;
    }

    private void Drain()
    {
        _driver.PublishAvailable();
        _device.SetNotifications(true);
        for (int round = 0; round < 4 * _ring.Size + 8 && (_outstanding.Count > 0); round++)
        {
            while (_device.HasAvailable()) Pop();
            while (_deviceInFlight.Count > 0) Complete();
            _device.PublishUsed();
            int before = -1;
            while (before != Returned) { before = Returned; Take(); }
            CheckHealthy();
        }
        Assert.Empty(_outstanding);
        Assert.Equal(0, _device.InFlightCount);
        Assert.Equal(0, _driver.InFlightCount);
        Assert.Equal(_ring.Size, _driver.FreeDescriptors);
        Assert.Equal(Added, Returned);
        Assert.Equal(_driver.NextAvailIndex, _device.NextAvail);
        Assert.Equal(_driver.LastUsedIndex, _device.NextUsed);
    }

    private static byte[] Pattern(int nonce, int segment, int length)
    {
        var bytes = new byte[length];
        uint x = (uint)nonce * 2654435761u + (uint)segment * 40503u + 1;
        for (int i = 0; i < length; i++)
        {
            x ^= x << 13; x ^= x >> 17; x ^= x << 5;
            bytes[i] = (byte)x;
        }
        return bytes;
    }
}
