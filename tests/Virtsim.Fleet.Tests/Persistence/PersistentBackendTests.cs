using System.Buffers.Binary;
using Akka.Actor;
using Virtsim.Simulation.Engine;
using Virtsim.Fleet.Backends;
using Virtsim.Fleet.Messages.Backend;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Persistence;
using Virtsim.Fleet.Vendors;
using Virtsim.Simulation.Persistence;
using Virtsim.Fleet.Configuration;
using Virtsim.Virtio.Devices.Blk;

namespace Virtsim.Fleet.Tests.Persistence;

/// <summary>The persistent blk backend alone, under a parent that stands in for its device actor.</summary>
public class PersistentBackendTests
{
    private const string Id = "backend/h/vm/blk0";
    private const ulong Version1 = 1UL << 32;

    private static BackendRequest Write(ulong tag, ulong sector, byte fill)
    {
        var readable = new byte[16 + 512];
        BinaryPrimitives.WriteUInt32LittleEndian(readable, BlkRequestType.Out);
        BinaryPrimitives.WriteUInt64LittleEndian(readable.AsSpan(8), sector);
        readable.AsSpan(16).Fill(fill);
        return new BackendRequest(tag, 0, Version1, 0, false, 1, readable);
    }

    private static BackendRequest Read(ulong tag, ulong sector)
    {
        var readable = new byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(readable, BlkRequestType.In);
        BinaryPrimitives.WriteUInt64LittleEndian(readable.AsSpan(8), sector);
        return new BackendRequest(tag, 0, Version1, 0, false, 512 + 1, readable);
    }

    // Forwards requests to its backend child and logs what comes back, with the journal's highest sequence number at
    // that moment (the simulator's store, read on the simulation thread).
    private sealed class Device : ReceiveActor
    {
        public Device(Props backendProps, SimulationStore store, List<(object Message, long JournalHighest)> log)
        {
            var backend = Context.ActorOf(backendProps, "backend");
            Receive<BackendRequest>(r => backend.Tell(r, Self));
            Receive<CrashBackend>(c => backend.Tell(c, Self));
            Receive<BackendReply>(r => log.Add((r, store.HighestSequenceNr(Id))));
            Receive<BackendRestarted>(r => log.Add((r, -1)));
        }
    }

    private static Props Backend(MemoryBlockStore disk)
    {
        var profile = VendorProfiles.Find("qemu-emu")!;
        return Props.Create(() => new PersistentBackendActor(Id, FleetPersistence.Default, profile.Backend, profile.Timing, disk, new BlkDeviceOptions(),
            new FleetMetrics()));
    }

    [Fact]
    public void A_write_is_in_the_journal_before_its_reply_and_a_lost_disk_comes_back_from_the_journal()
    {
        var disk = new MemoryBlockStore(64);
        var props = Backend(disk);
        var log = new List<(object Message, long JournalHighest)>();
        using var sim = new Simulator(1);
        var system = sim.CreateSystem("t", Simulator.StoreLatency(TimeSpan.FromMicroseconds(3)).WithFallback(FleetReference.Akka));
        var device = system.ActorOf(Props.Create(() => new Device(props, sim.Store, log)), "device");

        device.Tell(Write(1, 5, 0xAB), ActorRefs.NoSender);
        device.Tell(Write(2, 6, 0xCD), ActorRefs.NoSender);
        Assert.True(sim.RunUntil(() => log.Count == 2, TimeSpan.FromSeconds(1)));
        // Each reply came after its write was journaled.
        Assert.True(log[0].JournalHighest >= 1 && log[1].JournalHighest >= 2, string.Join(",", log.Select(l => l.JournalHighest)));
        Assert.All(log, l => Assert.Equal(BlkStatus.Ok, ((BackendReply)l.Message).Writable[^1]));

        // The disk object loses everything (as if the backend's memory were gone), then the backend crashes: the new
        // incarnation rebuilds the disk from the journal, not from the object.
        DiskImage.Wipe(disk);
        device.Tell(new CrashBackend("test"), ActorRefs.NoSender);
        device.Tell(Read(3, 5), ActorRefs.NoSender);
        Assert.True(sim.RunUntil(() => log.Count == 4, TimeSpan.FromSeconds(1)));
        Assert.IsType<BackendRestarted>(log[2].Message);
        var read = (BackendReply)log[3].Message;
        Assert.Equal(BlkStatus.Ok, read.Writable[^1]);
        Assert.All(read.Writable[..512], b => Assert.Equal(0xAB, b));
        var sector = new byte[512];
        Assert.True(disk.TryReadDurable(6, sector));
        Assert.All(sector, b => Assert.Equal(0xCD, b));
    }

    [Fact]
    public void A_write_that_cannot_be_journaled_is_neither_applied_nor_answered()
    {
        var disk = new MemoryBlockStore(64);
        var props = Backend(disk);
        var log = new List<(object Message, long JournalHighest)>();
        using var sim = new Simulator(2);
        sim.Store.Fault = (operation, _) => operation == StoreOperation.Write ? new IOException("disk full") : null;
        var system = sim.CreateSystem("t", FleetReference.Akka);
        var device = system.ActorOf(Props.Create(() => new Device(props, sim.Store, log)), "device");

        device.Tell(Write(1, 5, 0xAB), ActorRefs.NoSender);
        sim.RunUntil(() => log.Count > 0, TimeSpan.FromMilliseconds(10));
        Assert.Empty(log);                        // no reply: the device would never complete the chain
        Assert.Equal(0, disk.DurableSectorCount); // and the disk never saw the write
    }
}
