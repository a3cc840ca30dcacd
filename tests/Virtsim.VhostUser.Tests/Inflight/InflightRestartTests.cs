using System.Buffers.Binary;
using System.Diagnostics;
using Virtsim.VhostUser.Backend;
using Virtsim.VhostUser.Frontend;
using Virtsim.VhostUser.Native;
using Virtsim.VhostUser.Protocol;
using Virtsim.VhostUser.Tests.Harness;
using Virtsim.VhostUser.Transport;
using Virtsim.Virtio.Devices.Blk;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Queues;

namespace Virtsim.VhostUser.Tests.Inflight;

/// <summary>
/// A blk back-end killed mid-traffic (no GET_VRING_BASE) and restarted over the same guest memory and the same
/// in-flight region: every request the test driver submitted completes exactly once, with the right data.
/// </summary>
public class InflightRestartTests
{
    private const ushort RingSize = 32;
    private const int Writes = 40;
    private const int Reads = 20;
    private const int SectorBytes = 512;
    private const ulong Ring = GuestRam.GuestBase + 0x10000;
    private const ulong Buffers = GuestRam.GuestBase + 0x100000;
    private const ulong RequestStride = 0x400; // header at +0, status at +0x10, data at +0x200

    private sealed class SimulatedCrash : Exception
    {
        public SimulatedCrash() : base("simulated back-end crash") { }
    }

    /// <summary>A store shared by both back-end lives that throws (kills the serve loop) at its n-th data access while armed.</summary>
    private sealed class CrashingStore(IBlockStore inner) : IBlockStore
    {
        public int CrashAt { get; set; }
        public int Accesses { get; private set; }
        public ulong SectorCount => inner.SectorCount;
        public WriteCacheMode CacheMode { get => inner.CacheMode; set => inner.CacheMode = value; }
        public bool TryRead(ulong sector, Span<byte> destination) { Tick(); return inner.TryRead(sector, destination); }
        public bool TryWrite(ulong sector, ReadOnlySpan<byte> source) { Tick(); return inner.TryWrite(sector, source); }
        public bool TryFlush() => inner.TryFlush();
        public bool TryDiscard(ulong sector, ulong count) => inner.TryDiscard(sector, count);
        public bool TryWriteZeroes(ulong sector, ulong count, bool unmap) => inner.TryWriteZeroes(sector, count, unmap);

        private void Tick()
        {
            if (++Accesses == CrashAt) throw new SimulatedCrash();
        }
    }

    /// <summary>One life of the back-end: a session serving one end of a socket pair on its own thread.</summary>
    private sealed class BackEndLife : IDisposable
    {
        public BackEndLife(IBlockStore store, GuestRam ram, Action? inflightStep)
        {
            var (a, b) = VhostUserConnection.CreatePair(TimeSpan.FromSeconds(5));
            Server = b;
            Session = new VhostUserSession(new BlkBackend(store)) { InflightStep = inflightStep };
            Front = new FrontEnd(a, ram);
            Serving = Task.Factory.StartNew(() => Session.Run(b, CancellationToken.None), TaskCreationOptions.LongRunning);
        }

        public VhostUserConnection Server { get; }
        public VhostUserSession Session { get; }
        public FrontEnd Front { get; }
        public Task<SessionEnd> Serving { get; }

        // Abrupt: the serve loop is gone (or is stopped by closing its socket), nothing is asked of it.
        public void Dispose()
        {
            Front.Dispose();
            Serving.ContinueWith(_ => { }).Wait(5000);
            Session.Dispose();
            Server.Dispose();
        }
    }

    private static byte[] Pattern(int sector) => [.. Enumerable.Range(0, SectorBytes).Select(i => (byte)(sector * 31 + i))];

    /// <summary>Negotiates, shares memory and the in-flight region, and (re)starts ring 0 where the driver's used index is.</summary>
    private static void Connect(FrontEnd front, QueueConfig config, ulong features, ref int inflightFd, ref InflightDescription inflight)
    {
        bool packed = config.Format == Virtsim.Virtio.Queues.QueueFormat.Packed;
        ulong negotiated = front.Negotiate(features);
        Assert.Equal(features | 1UL << VhostUserFeatures.ProtocolFeatures, negotiated);
        Assert.NotEqual(0UL, front.ProtocolFeatures & VhostUserSession.InflightProtocolFeature);
        if (inflightFd < 0)
        {
            front.Send(VhostUserRequest.GetInflightFd, new InflightDescription(0, 0, 1, RingSize).ToBytes());
            var reply = front.Connection.ReceiveReply() ?? throw new IOException("no reply");
            Assert.Equal(VhostUserRequest.GetInflightFd, reply.Request);
            inflight = InflightDescription.Parse(VhostUserRequest.GetInflightFd, reply.Payload);
            inflightFd = reply.TakeFd(0);
            Assert.True(inflightFd >= 0);
            Assert.Equal(InflightLayout.RegionSize(1, RingSize, packed), inflight.MmapSize);
        }
        front.Acked(VhostUserRequest.SetInflightFd, inflight.ToBytes(), inflightFd);
        front.SetMemTable();
        if (packed)
        {
            // Both positions, from the area as the last back-end left it (the ring's flags decide a half-published completion).
            using var mapping = MappedMemory.Map(inflightFd, inflight.MmapOffset, inflight.MmapSize);
            uint value;
            unsafe
            {
                var area = new ReadOnlySpan<byte>((void*)mapping.Address, (int)PackedInflightLayout.QueueAreaSize(RingSize));
                value = FrontendInflight.PackedBase(area, RingSize, PackedInflightTracker.RingSlotFlags(front.Ram.Memory, config.DescriptorArea));
            }
            front.SetupRing(0, config, value);
            return;
        }
        Assert.True(front.Ram.Memory.TryReadU16(config.DeviceArea + 2, out ushort usedIdx));
        front.SetupRing(0, config, usedIdx); // as QEMU after a back-end crash: the base is the used index
    }

    private static void Run(int seed, bool packed = false)
    {
        var random = new Random(seed);
        bool inOrder = random.Next(2) == 1;
        bool crashInTracker = random.Next(2) == 1;
        ulong features = 1UL << FeatureBit.Version1 | (inOrder ? 1UL << FeatureBit.InOrder : 0) | (packed ? 1UL << FeatureBit.RingPacked : 0);
        int crashAt = crashInTracker ? random.Next(1, 3 * (Writes + Reads)) : random.Next(1, Writes + Reads + 1);
        string what = $"seed {seed}{(packed ? " packed" : "")}: crash at {(crashInTracker ? "in-flight store" : "block access")} {crashAt}, in-order {inOrder}";

        var store = new CrashingStore(new MemoryBlockStore(256, WriteCacheMode.Writethrough)) { CrashAt = crashInTracker ? 0 : crashAt };
        int steps = 0;
        Action? step = crashInTracker ? () => { if (++steps == crashAt) throw new SimulatedCrash(); } : null;
        using var ram = new GuestRam();
        var config = FrontEnd.RingAt(packed ? Virtsim.Virtio.Queues.QueueFormat.Packed : Virtsim.Virtio.Queues.QueueFormat.Split, RingSize, Ring, features);
        var driver = Virtqueue.CreateDriver(config, ram.Memory);
        int inflightFd = -1;
        var inflight = default(InflightDescription);
        var life = new BackEndLife(store, ram, step);
        int lives = 1, resubmitted = 0;
        try
        {
            Connect(life.Front, config, features, ref inflightFd, ref inflight);
            var byId = new Dictionary<ushort, int>();
            var done = new bool[Writes + Reads];
            int submitted = 0, completed = 0;
            var watch = Stopwatch.StartNew();
            while (completed < Writes + Reads)
            {
                Assert.True(watch.ElapsedMilliseconds < 20_000, $"{what}: stalled with {completed} of {Writes + Reads} completed after {lives} lives");
                // Reads go out once every write is back, so each one checks a completed write.
                int limit = completed < Writes ? Writes : Writes + Reads;
                bool added = false;
                while (submitted < limit && driver.FreeDescriptors >= 3)
                {
                    int n = submitted++;
                    bool write = n < Writes;
                    int sector = write ? n : n - Writes;
                    ulong at = Buffers + (ulong)n * RequestStride;
                    var header = new byte[16];
                    BinaryPrimitives.WriteUInt32LittleEndian(header, write ? 1u : 0u);
                    BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(8), (ulong)sector);
                    Assert.True(ram.Memory.TryWrite(at, header));
                    Assert.True(ram.Memory.TryWriteU8(at + 0x10, 0xEE));
                    Assert.True(ram.Memory.TryWrite(at + 0x200, write ? Pattern(sector) : new byte[SectorBytes]));
                    Assert.True(driver.TryAdd([new(at, 16, false), new(at + 0x200, SectorBytes, !write), new(at + 0x10, 1, true)], false, out ushort id));
                    byId[id] = n;
                    added = true;
                }
                if (added)
                {
                    driver.PublishAvailable();
                    life.Front.Kicks[0].Signal();
                }
                while (driver.TryTakeUsed(out var used) == TakeResult.Taken)
                {
                    Assert.True(byId.Remove(used.Id, out int n), $"{what}: buffer {used.Id} used but not outstanding");
                    Assert.False(done[n], $"{what}: request {n} completed twice");
                    done[n] = true;
                    completed++;
                    ulong at = Buffers + (ulong)n * RequestStride;
                    Assert.True(ram.Memory.TryReadU8(at + 0x10, out byte status));
                    Assert.True(status == 0, $"{what}: request {n} status {status}");
                    Assert.Equal(n < Writes ? 1u : SectorBytes + 1u, used.WrittenLength);
                    if (n >= Writes)
                    {
                        var data = new byte[SectorBytes];
                        Assert.True(ram.Memory.TryRead(at + 0x200, data));
                        Assert.True(Pattern(n - Writes).AsSpan().SequenceEqual(data), $"{what}: read {n} returned wrong data");
                    }
                }
                Assert.False(driver.Error.IsError, $"{what}: {driver.Error}");
                if (life.Serving.IsCompleted)
                {
                    // Killed: only the simulated crash may end it. Start a new back-end on the same memory and region.
                    Assert.True(life.Serving.IsFaulted && life.Serving.Exception!.InnerException is SimulatedCrash, $"{what}: the session ended on its own: {life.Serving.Status}");
                    life.Dispose();
                    store.CrashAt = 0;
                    life = new BackEndLife(store, ram, null);
                    lives++;
                    Connect(life.Front, config, features, ref inflightFd, ref inflight);
                    resubmitted += life.Session.Rings[0].Resubmitted;
                }
                Thread.Yield();
            }
            Assert.Empty(byId);
            Assert.True(done.All(d => d), what);
            for (int sector = 0; sector < Writes; sector++)
            {
                var data = new byte[SectorBytes];
                Assert.True(store.TryRead((ulong)sector, data));
                Assert.True(Pattern(sector).AsSpan().SequenceEqual(data), $"{what}: sector {sector} on the image is wrong");
            }
            // The crash point is always reached (the traffic needs more steps than it), so there were two lives.
            Assert.Equal(2, lives);
            // Once everything is back, nothing is left marked in flight.
            if (packed) Assert.True(life.Session.Rings[0].PackedInflight!.CountInFlight() == 0, $"{what}: chains left in flight");
            else
            {
                var tracker = life.Session.Rings[0].Inflight!;
                Assert.True(Enumerable.Range(0, RingSize).All(h => !tracker.IsInFlight((ushort)h)), $"{what}: heads left in flight");
            }
            // A crash inside a block access always leaves that request marked, so the new life redoes it.
            if (!crashInTracker) Assert.True(resubmitted >= 1, $"{what}: nothing resubmitted");
            Assert.True(resubmitted <= RingSize / 3, $"{what}: {resubmitted} resubmitted");
        }
        finally
        {
            life.Dispose();
            if (inflightFd >= 0) Virtsim.VhostUser.Native.LibC.close(inflightFd);
        }
    }

    [Fact]
    public void A_crash_during_a_request_is_recovered_by_resubmitting_it()
    {
        Run(seed: 3);
    }

    [Fact]
    public void Crashes_at_seeded_random_points_lose_and_duplicate_nothing()
    {
        for (int seed = 100; seed < 140; seed++) Run(seed);
    }

    [Fact]
    public void A_crash_during_a_request_on_a_packed_ring_is_recovered_from_the_descriptor_copies()
    {
        Run(seed: 3, packed: true);
    }

    [Fact]
    public void Crashes_at_seeded_random_points_on_packed_rings_lose_and_duplicate_nothing()
    {
        for (int seed = 100; seed < 140; seed++) Run(seed, packed: true);
    }
}
