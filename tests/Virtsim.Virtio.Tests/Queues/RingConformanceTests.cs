using FsCheck;
using FsCheck.Fluent;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;

namespace Virtsim.Virtio.Tests.Queues;

/// <summary>
/// Both ring formats, driven through the same interfaces by the same random workload, must behave the
/// same from the outside: every buffer comes back exactly once, with the data the device wrote, across
/// out-of-order completion, in-order batching, indirect tables, index wrap and device save/restore.
/// </summary>
public class RingConformanceTests
{
    private const ulong BufferArea = 0x10_0000;
    private const int SlotSize = 1024;

    [Theory]
    [InlineData(QueueFormat.Split)]
    [InlineData(QueueFormat.Packed)]
    public void Random_workloads_return_every_buffer_once_with_its_data(QueueFormat format) =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(60),
            Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed =>
            {
                var failure = Run(format, seed, operations: 600);
                return failure == null ? true : throw new InvalidOperationException(failure);
            }));

    [Theory]
    [InlineData(QueueFormat.Split)]
    [InlineData(QueueFormat.Packed)]
    public void Indices_wrap_past_65535_without_losing_a_buffer(QueueFormat format) =>
        Assert.Null(Run(format, seed: 12345, operations: 40_000, queueSize: 8));

    /// <summary>Runs one seeded workload; returns null on success or what went wrong.</summary>
    private static string? Run(QueueFormat format, int seed, int operations, ushort? queueSize = null)
    {
        var random = new Random(seed);
        ushort size = queueSize ?? (ushort)(format == QueueFormat.Split ? 1 << random.Next(2, 7) : random.Next(3, 70));
        bool inOrder = random.Next(3) == 0, indirect = random.Next(2) == 0, eventIdx = random.Next(2) == 0;
        var features = FeatureSet.Of(FeatureBit.Version1);
        if (inOrder) features = features.With(FeatureBit.InOrder);
        if (indirect) features = features.With(FeatureBit.IndirectDesc);
        if (eventIdx) features = features.With(FeatureBit.EventIdx);
        if (format == QueueFormat.Packed) features = features.With(FeatureBit.RingPacked);

        var memory = GuestMemory.WithSparse(16 << 20);
        var config = new QueueConfig(format, size, 0x1_0000, 0x5_0000, 0x7_0000, features);
        var deviceMemory = new DeviceMemory(memory);
        var driver = Virtqueue.CreateDriver(config, memory, 0x9_0000, Math.Min(8, (int)size));
        var device = Virtqueue.CreateDevice(config, deviceMemory);
        string where = $"{format} size {size} in_order {inOrder} indirect {indirect} event_idx {eventIdx} seed {seed}";

        var freeSlots = new Stack<int>(Enumerable.Range(0, size * 4).Reverse());
        var driverInFlight = new Dictionary<ushort, Buffer>(); // by id
        var popped = new List<DescriptorChain>();
        long nextSerial = 0, returned = 0, added = 0;

        for (int op = 0; op < operations; op++)
        {
            switch (random.Next(6))
            {
                case 0 or 1: // driver adds one or more chains
                    for (int n = random.Next(1, 4); n > 0; n--)
                    {
                        var buffer = NewBuffer(random, freeSlots, nextSerial, indirect && random.Next(2) == 0, size);
                        if (buffer == null) break;
                        foreach (var s in buffer.Segments.Where(s => !s.DeviceWritable))
                            memory.TryWrite(s.Address, Pattern(buffer.Serial, s.Address, (int)s.Length));
                        if (!driver.TryAdd(buffer.Segments, buffer.Indirect, out var id)) { buffer.Slots.ForEach(freeSlots.Push); break; }
                        if (driverInFlight.ContainsKey(id)) return $"{where}: id {id} handed out twice";
                        driverInFlight[id] = buffer;
                        nextSerial++;
                        added++;
                    }
                    driver.PublishAvailable();
                    break;
                case 2: // device pops what is there
                    for (int n = random.Next(1, 5); n > 0; n--)
                    {
                        var result = device.TryPop(out var chain);
                        if (result == PopResult.Broken) return $"{where}: device broke: {device.Error}";
                        if (result == PopResult.Empty) break;
                        popped.Add(chain);
                    }
                    break;
                case 3: // device completes some, out of order unless IN_ORDER
                    for (int n = random.Next(1, 4); n > 0 && popped.Count > 0; n--)
                    {
                        int pick = inOrder ? 0 : random.Next(popped.Count);
                        var chain = popped[pick];
                        popped.RemoveAt(pick);
                        if (!driverInFlight.TryGetValue(chain.Id, out var buffer)) return $"{where}: device popped unknown id {chain.Id}";
                        var expected = buffer.Segments.Where(s => !s.DeviceWritable).SelectMany(s => Pattern(buffer.Serial, s.Address, (int)s.Length)).ToArray();
                        var seen = new byte[chain.ReadableLength];
                        if (!chain.TryRead(deviceMemory, 0, seen) || !seen.AsSpan().SequenceEqual(expected)) return $"{where}: device read wrong data for id {chain.Id}";
                        var reply = Pattern(~buffer.Serial, 0, (int)chain.WritableLength);
                        if (!chain.TryWrite(deviceMemory, 0, reply)) return $"{where}: device could not write id {chain.Id}";
                        if (!device.TryComplete(chain, (uint)reply.Length)) return $"{where}: complete failed: {device.Error}";
                    }
                    device.PublishUsed();
                    break;
                case 4: // driver collects
                    while (true)
                    {
                        var result = driver.TryTakeUsed(out var used);
                        if (result == TakeResult.Broken) return $"{where}: driver broke: {driver.Error}";
                        if (result == TakeResult.Empty) break;
                        if (!driverInFlight.Remove(used.Id, out var buffer)) return $"{where}: id {used.Id} returned twice or never added";
                        var writable = buffer.Segments.Where(s => s.DeviceWritable).ToArray();
                        uint writableLength = (uint)writable.Sum(s => s.Length);
                        if (used.WrittenLength != writableLength) return $"{where}: id {used.Id} length {used.WrittenLength}, expected {writableLength}";
                        var got = writable.SelectMany(s => { var b = new byte[s.Length]; memory.TryRead(s.Address, b); return b; }).ToArray();
                        if (!got.AsSpan().SequenceEqual(Pattern(~buffer.Serial, 0, got.Length))) return $"{where}: id {used.Id} came back with wrong data";
                        buffer.Slots.ForEach(freeSlots.Push);
                        returned++;
                    }
                    break;
                case 5: // the device is saved and restored (as a migration would), sometimes
                    if (random.Next(4) != 0) break;
                    var state = device.SaveState();
                    var ids = popped.Select(c => c.Id).ToList();
                    device = Virtqueue.RestoreDevice(state, deviceMemory);
                    var byId = device.InFlight.ToDictionary(c => c.Id);
                    if (byId.Count != ids.Count || ids.Any(id => !byId.ContainsKey(id))) return $"{where}: restore lost in-flight chains";
                    popped = ids.Select(id => byId[id]).ToList();
                    break;
            }
        }
        // Drain: pop and complete everything, then collect.
        for (int guard = 0; guard < 4 * size + 8 && driverInFlight.Count > 0; guard++)
        {
            while (device.TryPop(out var chain) == PopResult.Popped) popped.Add(chain);
            foreach (var chain in popped)
            {
                var buffer = driverInFlight[chain.Id];
                var reply = Pattern(~buffer.Serial, 0, (int)chain.WritableLength);
                chain.TryWrite(deviceMemory, 0, reply);
                device.TryComplete(chain, (uint)reply.Length);
            }
            popped.Clear();
            device.PublishUsed();
            while (driver.TryTakeUsed(out var used) == TakeResult.Taken)
            {
                if (!driverInFlight.Remove(used.Id, out var buffer)) return $"{where}: id {used.Id} returned twice while draining";
                buffer.Slots.ForEach(freeSlots.Push);
                returned++;
            }
        }
        if (device.Error.IsError || driver.Error.IsError) return $"{where}: errors {device.Error} / {driver.Error}";
        return returned == added && driverInFlight.Count == 0 ? null : $"{where}: added {added}, returned {returned}";
    }

    private sealed record Buffer(long Serial, BufferSegment[] Segments, bool Indirect, List<int> Slots);

    private static Buffer? NewBuffer(Random random, Stack<int> freeSlots, long serial, bool indirect, int queueSize)
    {
        int readable = random.Next(0, 3), writable = random.Next(readable == 0 ? 1 : 0, 3);
        if (readable + writable > queueSize) writable = Math.Max(queueSize - readable, readable == 0 ? 1 : 0);
        if (readable + writable > queueSize) readable = queueSize - writable;
        if (freeSlots.Count < readable + writable) return null;
        var slots = new List<int>();
        var segments = new List<BufferSegment>();
        for (int i = 0; i < readable + writable; i++)
        {
            int slot = freeSlots.Pop();
            slots.Add(slot);
            segments.Add(new BufferSegment(BufferArea + (ulong)slot * SlotSize, (uint)random.Next(1, SlotSize + 1), i >= readable));
        }
        return new Buffer(serial, [.. segments], indirect, slots);
    }

    private static byte[] Pattern(long serial, ulong address, int length)
    {
        var bytes = new byte[length];
        ulong x = (ulong)serial * 0x9E3779B97F4A7C15UL ^ address;
        for (int i = 0; i < length; i++)
        {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            bytes[i] = (byte)x;
        }
        return bytes;
    }
}
