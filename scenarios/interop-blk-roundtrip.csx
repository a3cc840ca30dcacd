// An interop script (docs/interop.md, "Scripts"): writes three 4 KiB blocks through a blk device's ring, reads them
// back and compares, then checks what the device does with a read beyond its capacity.
//   virtsim interop --script scenarios/interop-blk-roundtrip.csx --device acme-vf --transport pci --packed
// Globals: Driver (InProcessDriver), Device (InProcessDevice), Ring (split or packed, from --packed), Output, Check.

var wanted = FeatureSet.Of(FeatureBit.Version1, FeatureBit.IndirectDesc, FeatureBit.EventIdx, BlkFeatureBit.Flush)
    | (Ring == QueueFormat.Packed ? FeatureSet.Of(FeatureBit.RingPacked) : FeatureSet.None);
var negotiation = Driver.Negotiate(wanted);
Check(negotiation.Accepted, $"FEATURES_OK: {negotiation.Reason}");
Output.WriteLine($"offered {FeatureNames.Format(negotiation.Offered, DeviceType.Block)}");
Output.WriteLine($"negotiated {FeatureNames.Format(negotiation.Negotiated, DeviceType.Block)}, masked {FeatureNames.Format(negotiation.Masked, DeviceType.Block)}");
Check(Driver.SetupQueue(0, 64) is null, "queue 0 set up");
Check(Driver.DriverOk() is null, "DRIVER_OK");
Check(Driver.Format == Ring, $"the ring is {Ring}");

ulong header = Driver.Allocate(16), data = Driver.Allocate(4096), status = Driver.Allocate(1);

// One request: header (type, reserved, sector), data, status byte; returns the status.
byte Request(uint type, ulong sector, bool deviceWrites)
{
    var h = new byte[16];
    BinaryPrimitives.WriteUInt32LittleEndian(h, type);
    BinaryPrimitives.WriteUInt64LittleEndian(h.AsSpan(8), sector);
    Driver.Write(header, h);
    Driver.Write(status, new byte[] { 0xFF });
    Check(Driver.Add(0, new BufferSegment[] { new(header, 16, false), new(data, 4096, deviceWrites), new(status, 1, true) }, out _), "room in the ring");
    Driver.Kick(0);
    var used = Driver.TakeUsed(0);
    Check(used is not null, $"request for sector {sector} completed");
    return Driver.Read(status, 1)[0];
}

for (ulong block = 0; block < 3; block++)
{
    var bytes = Enumerable.Range(0, 4096).Select(i => (byte)(i * 7 + (int)block)).ToArray();
    Driver.Write(data, bytes);
    Check(Request(BlkRequestType.Out, block * 8, false) == BlkStatus.Ok, $"write of block {block}");
    Driver.Write(data, new byte[4096]);
    Check(Request(BlkRequestType.In, block * 8, true) == BlkStatus.Ok, $"read of block {block}");
    Check(Driver.Read(data, 4096).SequenceEqual(bytes), $"block {block} reads back as written");
}
Check(Request(BlkRequestType.In, InProcessDevice.DiskSectors, true) == BlkStatus.IoErr, "a read beyond the capacity gets IOERR");
Output.WriteLine($"3 blocks round-tripped; {Device.Interrupts} interrupts");
