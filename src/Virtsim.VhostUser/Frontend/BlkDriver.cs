using System.Buffers.Binary;
using System.Security.Cryptography;
using Virtsim.VhostUser.Backend;
using Virtsim.VhostUser.Protocol;
using Virtsim.Virtio.Devices.Blk;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Queues;

namespace Virtsim.VhostUser.Frontend;

/// <summary>
/// A virtio-blk driver against a real device: reads the capacity with GET_CONFIG, writes <see cref="DiskPattern"/>
/// over the whole disk, flushes (when VIRTIO_BLK_F_FLUSH is offered), reads everything back in order, verifies it
/// and hashes it with SHA-256. Requests are pipelined (several in flight on ring 0) and retired in submission
/// order, so the hash covers the disk front to back. With INFLIGHT_SHMFD (split or packed rings) the driver keeps the
/// in-flight region and, with <see cref="VhostUserDriveOptions.Reconnect"/>, survives a device that goes away
/// mid-run: it reconnects, renegotiates the same features, shares the same memory and region, and restarts the
/// ring where the device's tracking says it stopped, so each request completes exactly once.
/// </summary>
public static class BlkDriver
{
    private const int HeaderSize = 16;
    private const int MaxDepth = 32;

    /// <summary>Negotiates, sets the ring up and runs write, flush and read-back; <paramref name="session"/> is left with the ring stopped.</summary>
    /// <exception cref="VhostUserProtocolException">The device broke the protocol or the ring, or cannot be written.</exception>
    /// <exception cref="TimeoutException">No request completed for the timeout.</exception>
    public static BlkDriveResult Run(FrontendSession session, VhostUserDriveOptions options, TextWriter? progress, CancellationToken ct) =>
        Run(session, options, new BlkDriveResult(), progress, ct);

    /// <summary>As <see cref="Run(FrontendSession, VhostUserDriveOptions, TextWriter?, CancellationToken)"/>, counting into <paramref name="result"/> (which keeps its counts when the run throws).</summary>
    /// <exception cref="VhostUserProtocolException">The device broke the protocol or the ring, or cannot be written.</exception>
    /// <exception cref="TimeoutException">No request completed for the timeout.</exception>
    public static BlkDriveResult Run(FrontendSession session, VhostUserDriveOptions options, BlkDriveResult result, TextWriter? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(result);
        var link = new Link(session, options);
        ulong features = link.Negotiate();
        result.CapacityBytes = link.ReadCapacity();

        var format = options.Packed ? QueueFormat.Packed : QueueFormat.Split;
        int depth = Math.Clamp(options.QueueSize / 3, 1, MaxDepth);
        ulong slotSize = 4096 + (ulong)options.RequestSize;
        using var memory = new FrontendMemory(FrontendRing.Footprint(format, options.QueueSize) + (ulong)depth * slotSize + (1 << 20));
        using var ring = FrontendRing.Create(0, format, options.QueueSize, new FeatureSet(features, 0), memory);
        ulong slotBase = memory.Allocate((ulong)depth * slotSize, 4096);
        FrontendRing[] rings = [ring];
        session.ShareMemory(memory);
        // The region comes from the first device and is kept for the whole run (the spec's front-end owns it).
        using var inflight = session.Has(VhostUserProtocolFeature.InflightShmfd) ? FrontendInflight.Get(session.Channel, 1, options.QueueSize, options.Packed) : null;
        result.Inflight = inflight != null;
        session.StartRings(rings, memory, inflight);

        var pipeline = new Pipeline(link, rings, memory, inflight, features, slotBase, slotSize, depth, options, result, progress, ct);
        pipeline.Pass(BlkRequestType.Out);
        if ((features & (1UL << BlkFeatureBit.Flush)) != 0) result.Flushed = pipeline.Flush();
        using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            pipeline.Pass(BlkRequestType.In, sha);
            result.Sha256 = Convert.ToHexStringLower(sha.GetHashAndReset());
        }
        pipeline.StopRings();
        result.Kicks = ring.Kicks;
        result.Calls = ring.Calls;
        return result;
    }

    /// <summary>The negotiation a blk driver does on every connection, so a reconnection asks for exactly the same.</summary>
    private sealed class Link(FrontendSession session, VhostUserDriveOptions options)
    {
        private readonly ulong _required = (1UL << FeatureBit.Version1) | (options.Packed ? 1UL << FeatureBit.RingPacked : 0);

        public FrontendSession Session => session;

        /// <summary>Features and protocol features (INFLIGHT_SHMFD, for split and packed rings); returns the virtio features.</summary>
        public ulong Negotiate()
        {
            ulong wanted = _required | (1UL << BlkFeatureBit.Flush) |
                           (options.EventIdx ? 1UL << FeatureBit.EventIdx : 0) |
                           (options.InOrder ? 1UL << FeatureBit.InOrder : 0);
            ulong features = session.Negotiate(wanted, _required, VhostUserSession.InflightProtocolFeature);
            if ((session.OfferedFeatures & (1UL << BlkFeatureBit.Ro)) != 0)
                throw new VhostUserProtocolException(VhostUserRequest.GetFeatures, "the device offers feature bit 5 (VIRTIO_BLK_F_RO: read-only, or not a blk device at all); it cannot be written");
            return features;
        }

        /// <summary>The capacity in bytes (GET_CONFIG), never 0.</summary>
        public ulong ReadCapacity()
        {
            ulong bytes = FrontendSession.ReadU64(session.ReadConfig(0, 8), 0) * 512;
            if (bytes == 0) throw new VhostUserProtocolException(VhostUserRequest.GetConfig, "the device reports a capacity of 0 sectors");
            return bytes;
        }
    }

    /// <summary>Request slots (header, status byte, data) and the submitted-not-completed table of one ring.</summary>
    private sealed class Pipeline(
        Link link, FrontendRing[] rings, FrontendMemory memory, FrontendInflight? inflight, ulong features, ulong slotBase, ulong slotSize, int depth,
        VhostUserDriveOptions options, BlkDriveResult result, TextWriter? progress, CancellationToken ct)
    {
        private FrontendSession Session => link.Session;
        private long _sinceConnect, _retired;

        private readonly FrontendRing _ring = rings[0];
        private readonly InFlightTable<int> _inFlight = new(options.QueueSize);
        private readonly bool[] _done = new bool[depth];
        private readonly ulong[] _offset = new ulong[depth];
        private readonly int[] _length = new int[depth];
        private readonly Queue<int> _order = new();
        private readonly Stack<int> _free = new(Enumerable.Range(0, depth).Reverse());

        private ulong Header(int slot) => slotBase + (ulong)slot * slotSize;
        private ulong Status(int slot) => Header(slot) + HeaderSize;
        private ulong Data(int slot) => Header(slot) + 4096;

        /// <summary>Writes (OUT) or reads back (IN, verified and hashed) the whole disk.</summary>
        public void Pass(uint type, IncrementalHash? sha = null)
        {
            ulong capacity = result.CapacityBytes, next = 0;
            var time = options.Time;
            long lastProgress = time.GetTimestamp(), lastReport = lastProgress;
            string verb = type == BlkRequestType.Out ? "wrote" : "read back";
            while (next < capacity || _order.Count > 0)
            {
                ct.ThrowIfCancellationRequested();
                bool moved = false;
                while (next < capacity && _free.Count > 0)
                {
                    int slot = _free.Peek();
                    int length = (int)Math.Min((ulong)options.RequestSize, capacity - next);
                    if (type == BlkRequestType.Out && memory.Memory.TryGetSpan(Data(slot), length, out var data))
                        DiskPattern.Fill(data[..length], options.Seed, next);
                    if (!Submit(slot, type, next / 512, length)) break;
                    _free.Pop();
                    _offset[slot] = next;
                    _length[slot] = length;
                    next += (ulong)length;
                    moved = true;
                }
                if (moved)
                {
                    _ring.Publish();
                    // Checked here too, with the new requests in flight: a device that finished everything before
                    // the driver looked again would otherwise put the hang-up off for as long as it keeps that pace.
                    DisconnectDue(result);
                }
                moved |= Reap();
                while (_order.Count > 0 && _done[_order.Peek()])
                {
                    Retire(_order.Dequeue(), type, sha);
                    moved = true;
                    _sinceConnect++;
                    options.Retired?.Invoke(++_retired);
                }
                moved |= DisconnectDue(result);
                if (moved)
                {
                    lastProgress = time.GetTimestamp();
                    if (progress != null && time.GetElapsedTime(lastReport) >= TimeSpan.FromSeconds(1))
                    {
                        lastReport = lastProgress;
                        progress.WriteLine($"virtsim: blk {verb} {next >> 20} of {capacity >> 20} MiB");
                    }
                    continue;
                }
                if (time.GetElapsedTime(lastProgress) >= options.Timeout)
                    throw new TimeoutException($"no blk request completed within {options.Timeout.TotalSeconds:0.###} s ({_order.Count} in flight)");
                if (_ring.Queue.SetInterrupts(true)) continue;
                if (Wait()) lastProgress = time.GetTimestamp();
            }
        }

        /// <summary>Stops the ring with GET_VRING_BASE at the end (reconnecting first if the device went away meanwhile).</summary>
        public void StopRings()
        {
            while (true)
            {
                try
                {
                    Session.StopRings(rings);
                    return;
                }
                catch (VhostUserProtocolException e) when (e.ConnectionLost) { Reconnect(e); }
            }
        }

        /// <summary>Sleeps until a call (20 ms at most); true when the device went away and the driver reconnected.</summary>
        private bool Wait()
        {
            try
            {
                Session.WaitForCalls(rings, 20);
                return false;
            }
            catch (VhostUserProtocolException e) when (e.ConnectionLost)
            {
                Reconnect(e);
                return true;
            }
        }

        /// <summary>
        /// Connects again (after <paramref name="lost"/>, or because the driver hangs up itself when null) and
        /// restarts the ring over the same memory and in-flight region; repeats while the new device goes away
        /// during setup, up to <see cref="VhostUserDriveOptions.ReconnectTimeout"/>.
        /// </summary>
        private void Reconnect(VhostUserProtocolException? lost)
        {
            if (lost != null && !options.Reconnect) throw lost;
            if (inflight == null)
                throw new VhostUserProtocolException(lost?.Request ?? VhostUserRequest.None,
                    $"{lost?.Message ?? "disconnecting"}: cannot reconnect without INFLIGHT_SHMFD (requests in flight would be lost or done twice)");
            var time = options.Time;
            long start = time.GetTimestamp();
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                TimeSpan left = options.ReconnectTimeout - time.GetElapsedTime(start);
                if (left <= TimeSpan.Zero) throw new TimeoutException($"could not reconnect within {options.ReconnectTimeout.TotalSeconds:0.###} s");
                progress?.WriteLine($"virtsim: blk {(lost == null ? "disconnecting" : "the device went away")} with {_inFlight.Count} requests in flight; reconnecting");
                try
                {
                    Session.Reconnect(left, options.Timeout, time, ct);
                    ulong again = link.Negotiate();
                    if (again != features)
                        throw new VhostUserProtocolException(VhostUserRequest.SetFeatures, $"the device came back with features 0x{again:x}, not 0x{features:x}");
                    if (!Session.Has(VhostUserProtocolFeature.InflightShmfd))
                        throw new VhostUserProtocolException(VhostUserRequest.SetProtocolFeatures, "the device came back without INFLIGHT_SHMFD");
                    ulong capacity = link.ReadCapacity();
                    if (capacity != result.CapacityBytes)
                        throw new VhostUserProtocolException(VhostUserRequest.GetConfig, $"the device came back with {capacity} bytes, not {result.CapacityBytes}");
                    Session.ShareMemory(memory);
                    Session.StartRings(rings, memory, inflight);
                }
                catch (VhostUserProtocolException e) when (e.ConnectionLost)
                {
                    lost = e;
                    continue;
                }
                result.Reconnects++;
                _sinceConnect = 0;
                // Requests made available while nobody listened may have had their kick lost with the old device.
                _ring.ForceKick();
                return;
            }
        }

        // A simulated driver disconnect (DisconnectEvery): once enough requests completed on this connection, hang
        // up with requests in flight and come back. True when it did.
        private bool DisconnectDue(BlkDriveResult result)
        {
            if (options.DisconnectEvery <= 0 || _sinceConnect < options.DisconnectEvery || _order.Count == 0) return false;
            result.Disconnects++;
            Reconnect(null);
            return true;
        }

        /// <summary>Sends a flush and waits for it; true when the device completed it with OK.</summary>
        public bool Flush()
        {
            int slot = _free.Pop();
            if (!Submit(slot, BlkRequestType.Flush, 0, 0)) throw new InvalidOperationException("the ring has no room for a flush");
            _ring.Publish();
            long start = options.Time.GetTimestamp();
            while (!Reap())
            {
                ct.ThrowIfCancellationRequested();
                if (options.Time.GetElapsedTime(start) >= options.Timeout)
                    throw new TimeoutException($"the flush did not complete within {options.Timeout.TotalSeconds:0.###} s");
                if (!_ring.Queue.SetInterrupts(true) && Wait()) start = options.Time.GetTimestamp();
            }
            _order.Dequeue();
            _done[slot] = false;
            _free.Push(slot);
            bool ok = memory.Memory.TryReadU8(Status(slot), out byte status) && status == BlkStatus.Ok;
            if (!ok) result.FailedRequests++;
            return ok;
        }

        private bool Submit(int slot, uint type, ulong sector, int length)
        {
            Span<byte> header = stackalloc byte[HeaderSize];
            BinaryPrimitives.WriteUInt32LittleEndian(header, type);
            BinaryPrimitives.WriteUInt32LittleEndian(header[4..], 0);
            BinaryPrimitives.WriteUInt64LittleEndian(header[8..], sector);
            memory.Memory.TryWrite(Header(slot), header);
            memory.Memory.TryWriteU8(Status(slot), 0xFF); // a device that never writes the status is noticed
            Span<BufferSegment> segments = stackalloc BufferSegment[3];
            int count = 0;
            segments[count++] = new BufferSegment(Header(slot), HeaderSize, false);
            if (length > 0) segments[count++] = new BufferSegment(Data(slot), (uint)length, type == BlkRequestType.In);
            segments[count++] = new BufferSegment(Status(slot), 1, true);
            if (!_ring.Queue.TryAdd(segments[..count], false, out ushort id)) return false;
            _inFlight.Add(id, slot);
            _order.Enqueue(slot);
            result.Requests++;
            return true;
        }

        private bool Reap()
        {
            bool any = false;
            TakeResult taken;
            while ((taken = _ring.Queue.TryTakeUsed(out var used)) == TakeResult.Taken)
            {
                if (!_inFlight.TryComplete(used.Id, out int slot))
                {
                    result.Duplicates++; // completed twice, or never submitted
                    throw new VhostUserProtocolException($"ring 0: the device returned buffer id {used.Id}, which is not in flight");
                }
                // The status byte is the last the device writes: a used length of 0 says it wrote none (spec 2.7.8, 5.2.6).
                if (used.WrittenLength == 0)
                    throw new VhostUserProtocolException($"ring 0: the device returned request {used.Id} with used length 0, so without its status byte");
                _done[slot] = true;
                any = true;
            }
            if (taken == TakeResult.Broken) _ring.CheckHealthy();
            return any;
        }

        private void Retire(int slot, uint type, IncrementalHash? sha)
        {
            _done[slot] = false;
            _free.Push(slot);
            int length = _length[slot];
            bool ok = memory.Memory.TryReadU8(Status(slot), out byte status) && status == BlkStatus.Ok;
            if (!ok) result.FailedRequests++;
            if (type == BlkRequestType.Out)
            {
                if (ok) result.BytesWritten += (ulong)length;
                return;
            }
            if (!memory.Memory.TryGetSpan(Data(slot), length, out var data) || data.Length < length)
                throw new InvalidOperationException("a data buffer is not contiguous in guest memory");
            data = data[..length];
            sha!.AppendData(data);
            if (!ok) return;
            result.BytesRead += (ulong)length;
            if (DiskPattern.FirstMismatch(data, options.Seed, _offset[slot]) < 0) result.VerifiedBytes += (ulong)length;
            else result.Mismatches++;
        }
    }
}
