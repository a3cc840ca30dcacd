using System.Buffers.Binary;
using static Virtsim.Experiments.Conformance.CaseBuilder;

namespace Virtsim.Experiments.Conformance;

/// <summary>Driver violations of the block and network devices' request rules (spec 5.2.6, 5.1.6.2).</summary>
internal static class DeviceTypeCases
{
    public static IEnumerable<ConformanceCase> All()
    {
        yield return Driver("blk.data-not-multiple-of-512", "A write whose data is 500 bytes", SpecSections.BlkOperation,
            "The length of data MUST be a multiple of 512 bytes for VIRTIO_BLK_T_IN and VIRTIO_BLK_T_OUT requests.", null, d =>
                d.Submit(Replace(d.Request(), 1, s => s with { Length = 500 })), BlkOnly);
        yield return Driver("blk.sector-beyond-capacity", "A write at the sector just past the end of the disk", SpecSections.BlkOperation,
            "A driver MUST NOT submit a request which would cause a read or write beyond capacity.", null, d =>
            {
                var r = d.Request();
                ulong sector = d.CapacitySectors > 0 ? d.CapacitySectors : 1UL << 40;
                d.Submit(Replace(r, 0, _ => new RawSegment(d.BlkHeader(BlkRequestType.Out, sector), HostileDriver.BlkHeaderSize, false)));
            }, BlkOnly);
        yield return Driver("blk.flush-with-sector", "A FLUSH whose sector field is 8", SpecSections.BlkOperation,
            "A driver MUST set sector to 0 for a VIRTIO_BLK_T_FLUSH request.", null, d =>
                d.Submit([new RawSegment(d.BlkHeader(BlkRequestType.Flush, 8), HostileDriver.BlkHeaderSize, false), new RawSegment(d.StatusByte(), 1, true)]), BlkOnly);
        yield return Driver("blk.header-too-short", "A request whose header descriptor is 8 bytes", SpecSections.BlkOperation,
            "A request starts with the 16-byte header (type, reserved, sector) in device-readable memory.", null, d =>
                d.Submit(Replace(d.Request(), 0, s => s with { Length = 8 })), BlkOnly);
        yield return Driver("blk.no-status-byte", "A write with no device-writable status byte", SpecSections.BlkOperation,
            "A request ends with the status byte, which the device writes: a request without it cannot be completed.", null, d =>
                d.Submit(d.Request()[..2]), BlkOnly);
        yield return Driver("blk.read-into-readable-buffer", "A read whose data buffer is device-readable", SpecSections.BlkOperation,
            "The data of a VIRTIO_BLK_T_IN request is device-writable (the device fills it).", null, d =>
            {
                var r = d.Request();
                d.Submit(Replace(r, 0, _ => new RawSegment(d.BlkHeader(BlkRequestType.In, 8), HostileDriver.BlkHeaderSize, false)));
            }, BlkOnly);
        // No case for num_buffers != 0 on transmit (spec 5.1.6.2: the driver MUST set it to 0): DPDK's net_virtio_user
        // forwards frames with the receive header's num_buffers still in place, so a device that refused it could not
        // serve DPDK. Virtsim's device ignores the field on transmit.
        yield return Driver("net.tx-needs-csum-without-csum", "VIRTIO_NET_HDR_F_NEEDS_CSUM set without VIRTIO_NET_F_CSUM", SpecSections.NetTransmission,
            "If VIRTIO_NET_F_CSUM is not negotiated, the driver MUST set flags to zero.", null, d => d.Submit(WithHeader(d, h => h[0] = 1)), NetOnly);
        yield return Driver("net.tx-gso-without-tso", "gso_type TCPV4 without any HOST_TSO feature", SpecSections.NetTransmission,
            "If none of VIRTIO_NET_F_HOST_TSO4, TSO6, USO or UFO are negotiated, the driver MUST set gso_type to VIRTIO_NET_HDR_GSO_NONE.", null, d =>
                d.Submit(WithHeader(d, h => { h[1] = 1; BinaryPrimitives.WriteUInt16LittleEndian(h[4..], 1400); })), NetOnly);
        yield return Driver("net.tx-header-short", "A transmitted buffer of 8 bytes, shorter than the virtio-net header", SpecSections.NetTransmission,
            "For the transmit packet buffer, the driver MUST use the size of the virtio_net_hdr (12 bytes with VERSION_1) for the header it places first.", null, d =>
                d.Submit(Replace(d.Request(), 0, s => s with { Length = 8 })), NetOnly);
    }

    private static RawSegment[] WithHeader(HostileDriver d, SpanAction change)
    {
        var r = d.Request();
        var header = new byte[HostileDriver.NetHeaderSize];
        change(header);
        d.Guest.TryWrite(r[0].Address, header);
        return r;
    }

    private delegate void SpanAction(Span<byte> header);
}
