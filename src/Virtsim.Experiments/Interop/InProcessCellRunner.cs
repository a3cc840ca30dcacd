using System.Buffers.Binary;
using System.Diagnostics;
using Virtsim.VhostUser.Backend;
using Virtsim.VhostUser.Frontend;
using Virtsim.Virtio.Devices.Blk;
using Virtsim.Virtio.Devices.Net;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;
using Virtsim.Virtio.Status;

namespace Virtsim.Experiments.Interop;

/// <summary>
/// Runs a cell whose driver is Virtsim's in-process driver (kernel or poll) and whose device is a vendor profile over
/// PCI or MMIO: negotiate, set up the queues, then the traffic check. blk: <c>requests</c> 4 KiB writes of a seeded
/// pattern, then every block read back and compared, every status byte OK. net: <c>requests</c> pattern frames
/// transmitted, each looped back by the device into the receive ring and compared byte for byte, none lost or extra.
/// </summary>
internal static class InProcessCellRunner
{
    private const int Batch = 8, BlockBytes = 4096, FrameBytes = 200, RxBufferBytes = 2048;
    private const ulong Seed = 0x1A7E_0B5E;

    public static CellResult Run(InteropCell cell, InteropOptions options)
    {
        var clock = Stopwatch.StartNew();
        var memory = GuestMemory.WithSparse(InProcessDriver.MemorySize);
        var device = new InProcessDevice(cell.Device.Profile!, cell.Type, cell.Transport, memory,
            options.WrapDevice is { } wrap ? handler => wrap(cell, handler) : null);
        var driver = new InProcessDriver(device, memory, cell.Driver.Mode, cell.Driver.QuirkMask(device.SubsystemVendorId));
        var type = cell.Type == VhostUserDeviceKind.Blk ? DeviceType.Block : DeviceType.Net;
        var negotiation = driver.Negotiate(WantedFeatures.For(cell.Features, cell.Type, cell.Ring));
        CellResult Result(CellOutcome outcome, string reason, string traffic = "") =>
            new(cell, outcome, reason, negotiation.Negotiated, FeatureNames.Format(negotiation.Negotiated, type),
                negotiation.Masked, FeatureNames.Format(negotiation.Masked, type), traffic, clock.Elapsed);
        if (!negotiation.Accepted)
            return Result(negotiation.Offered.Has(FeatureBit.Version1) ? CellOutcome.RefusedFeaturesOk : CellOutcome.Failed, negotiation.Reason!);
        ushort size = (ushort)Math.Min(64, (int)device.Profile.MaxQueueSize);
        if (driver.Format == QueueFormat.Split) size = (ushort)(1 << (31 - System.Numerics.BitOperations.LeadingZeroCount((uint)size)));
        int queues = cell.Type == VhostUserDeviceKind.Blk ? 1 : 2;
        for (int q = 0; q < queues; q++)
            if (driver.SetupQueue(q, size) is { } refusal) return Result(Stopped(driver, device, out var r1) ?? CellOutcome.Failed, r1 ?? refusal);
        if (driver.DriverOk() is { } notLive) return Result(Stopped(driver, device, out var r2) ?? CellOutcome.Failed, r2 ?? notLive);
        string ring = driver.Format == QueueFormat.Packed ? "packed" : "split";
        var (outcome, reason, traffic) = cell.Type == VhostUserDeviceKind.Blk
            ? Blk(driver, device, options.Requests)
            : Net(driver, device, options.Requests);
        if (outcome == CellOutcome.Passed && driver.Format != cell.Ring)
            reason += $" (on a {ring} ring: the device or the quirk table left RING_PACKED out)";
        return Result(outcome, reason, traffic);
    }

    private static (CellOutcome, string, string) Blk(InProcessDriver driver, InProcessDevice device, int requests)
    {
        int blocks = (int)Math.Min((ulong)requests, InProcessDevice.DiskSectors * 512 / BlockBytes);
        ulong header = driver.Allocate(Batch * 16), status = driver.Allocate(Batch), data = driver.Allocate(Batch * BlockBytes);
        var block = new byte[BlockBytes];
        var h = new byte[16];
        foreach (bool read in new[] { false, true })
        {
            for (int first = 0; first < blocks; first += Batch)
            {
                int count = Math.Min(Batch, blocks - first);
                for (int i = 0; i < count; i++)
                {
                    ulong offset = (ulong)(first + i) * BlockBytes;
                    BinaryPrimitives.WriteUInt32LittleEndian(h, read ? BlkRequestType.In : BlkRequestType.Out);
                    BinaryPrimitives.WriteUInt64LittleEndian(h.AsSpan(8), offset / 512);
                    driver.Write(header + (ulong)i * 16, h);
                    driver.Write(status + (ulong)i, [0xEE]);
                    if (!read)
                    {
                        DiskPattern.Fill(block, Seed, offset);
                        driver.Write(data + (ulong)i * BlockBytes, block);
                    }
                    else driver.Write(data + (ulong)i * BlockBytes, new byte[BlockBytes]);
                    if (!driver.Add(0, [new(header + (ulong)i * 16, 16, false), new(data + (ulong)i * BlockBytes, BlockBytes, read), new(status + (ulong)i, 1, true)], out _))
                        return (CellOutcome.Failed, $"the ring has no room for request {first + i} (3 descriptors, {i} requests in flight)", Done(first + i, blocks, read));
                }
                driver.Kick(0);
                if (Collect(driver, device, 0, count, out var used) is { } stuck)
                    return (stuck.Outcome, $"{(read ? "reading" : "writing")} block {first + used}: {stuck.Reason}", Done(first + used, blocks, read));
                for (int i = 0; i < count; i++)
                {
                    byte s = driver.Read(status + (ulong)i, 1)[0];
                    if (s != BlkStatus.Ok)
                        return (CellOutcome.Failed, $"{(read ? "read" : "write")} of block {first + i} completed with status {s} (not OK)", Done(first + i, blocks, read));
                    if (!read) continue;
                    ulong offset = (ulong)(first + i) * BlockBytes;
                    int at = DiskPattern.FirstMismatch(driver.Read(data + (ulong)i * BlockBytes, BlockBytes), Seed, offset);
                    if (at >= 0) return (CellOutcome.DataMismatch, $"block {first + i} read back differs from what was written at byte {at}", Done(first + i, blocks, true));
                }
            }
        }
        return (CellOutcome.Passed, $"{blocks} blocks of 4 KiB written, read back and compared", $"blk: {blocks} writes + {blocks} reads, {blocks * 4} KiB verified");
    }

    private static string Done(int at, int blocks, bool read) =>
        read ? $"blk: {blocks} writes, {at} of {blocks} reads verified" : $"blk: {at} of {blocks} writes";

    private static (CellOutcome, string, string) Net(InProcessDriver driver, InProcessDevice device, int frames)
    {
        int headerSize = NetHeader.SizeFor(driver.Features);
        ulong rx = driver.Allocate(Batch * RxBufferBytes), tx = driver.Allocate(Batch * (headerSize + FrameBytes));
        var frame = new byte[FrameBytes];
        int received = 0;
        for (int first = 0; first < frames; first += Batch)
        {
            int count = Math.Min(Batch, frames - first);
            var slots = new Dictionary<ushort, int>();
            for (int i = 0; i < count; i++)
            {
                if (!driver.Add(0, [new(rx + (ulong)i * RxBufferBytes, RxBufferBytes, true)], out ushort id))
                    return (CellOutcome.Failed, $"the receive ring has no room for buffer {i}", $"net: {first} sent, {received} received");
                slots[id] = i;
            }
            driver.Kick(0);
            for (int i = 0; i < count; i++)
            {
                FramePattern.Write(frame, Seed, (ulong)(first + i));
                ulong slot = tx + (ulong)(i * (headerSize + FrameBytes));
                driver.Write(slot, new byte[headerSize]);
                driver.Write(slot + (ulong)headerSize, frame);
                if (!driver.Add(1, [new(slot, (uint)(headerSize + FrameBytes), false)], out _))
                    return (CellOutcome.Failed, $"the transmit ring has no room for frame {first + i}", $"net: {first + i} sent, {received} received");
            }
            driver.Kick(1);
            if (Collect(driver, device, 1, count, out int sent) is { } txStuck)
                return (txStuck.Outcome, $"transmitting frame {first + sent}: {txStuck.Reason}", $"net: {first + sent} sent, {received} received");
            device.Loopback();
            for (int i = 0; i < count; i++)
            {
                if (driver.TakeUsed(0) is not { } used)
                {
                    var (outcome, why) = Nothing(driver, device, 0, count - i);
                    return (outcome, $"receiving frame {first + i}: {why}", $"net: {first + count} sent, {received} received");
                }
                if (!slots.Remove(used.Id, out int slotIndex))
                    return (CellOutcome.Failed, $"the device returned receive buffer id {used.Id}, which is not in flight", $"net: {first + count} sent, {received} received");
                var bytes = driver.Read(rx + (ulong)(slotIndex * RxBufferBytes), (int)Math.Min(used.WrittenLength, RxBufferBytes));
                if (used.WrittenLength != headerSize + FrameBytes || FramePattern.Verify(bytes.AsSpan(headerSize), Seed, FrameBytes) != (ulong)(first + i))
                    return (CellOutcome.DataMismatch,
                        $"frame {first + i} came back wrong ({used.WrittenLength} bytes written into receive buffer {slotIndex}, {headerSize + FrameBytes} expected; {Difference(bytes.AsSpan(Math.Min(headerSize, bytes.Length)), (ulong)(first + i))})",
                        $"net: {first + count} sent, {received} received");
                received++;
            }
        }
        if (device.TransmittedPending > 0 || driver.TakeUsed(0) is not null)
            return (CellOutcome.DataMismatch, "the device delivered more frames than were sent", $"net: {frames} sent, {received}+ received");
        return (CellOutcome.Passed, $"{frames} frames of {FrameBytes} bytes sent and received back, every byte compared",
            $"net: {frames} sent, {received} received, {received * FrameBytes / 1024} KiB verified");
    }

    // Where a received frame departs from frame `sequence` as sent: its first differing byte, or that it was cut.
    private static string Difference(ReadOnlySpan<byte> frame, ulong sequence)
    {
        var expected = new byte[FrameBytes];
        FramePattern.Write(expected, Seed, sequence);
        int common = Math.Min(frame.Length, FrameBytes);
        for (int at = 0; at < common; at++)
            if (frame[at] != expected[at]) return $"first difference at byte {at} of the frame: 0x{frame[at]:x2}, 0x{expected[at]:x2} sent";
        return frame.Length < FrameBytes ? $"cut after {frame.Length} of {FrameBytes} bytes" : $"{frame.Length - FrameBytes} bytes too many";
    }

    /// <summary>Takes <paramref name="count"/> used buffers of <paramref name="queue"/>; null when all came, else why not.</summary>
    private static (CellOutcome Outcome, string Reason)? Collect(InProcessDriver driver, InProcessDevice device, int queue, int count, out int taken)
    {
        for (taken = 0; taken < count; taken++)
            if (driver.TakeUsed(queue) is null) return Nothing(driver, device, queue, count - taken);
        return null;
    }

    // Nothing came back: the device broke down, wrote a bad used entry, or (interrupt mode) never said so.
    private static (CellOutcome, string) Nothing(InProcessDriver driver, InProcessDevice device, int queue, int missing)
    {
        if (Stopped(driver, device, out var reason) is { } outcome) return (outcome, reason!);
        if (driver.RingError is { } error) return (CellOutcome.Failed, "the device wrote a bad used entry: " + error);
        string how = driver.Mode == Fleet.Drivers.DriverMode.Interrupt
            ? $"no used-buffer interrupt came for queue {queue} ({device.Interrupts} interrupts so far)"
            : $"the used ring of queue {queue} stayed empty";
        return (CellOutcome.Timeout, $"{missing} buffers never came back: {how}");
    }

    private static CellOutcome? Stopped(InProcessDriver driver, InProcessDevice device, out string? reason)
    {
        reason = null;
        if (!driver.Status.Has(DeviceStatus.DeviceNeedsReset)) return null;
        reason = $"DEVICE_NEEDS_RESET: {device.NeedsResetReason}";
        return CellOutcome.NeedsReset;
    }
}
