using System.Buffers;
using System.Collections.Immutable;
using Akka.Persistence;
using Virtsim.Fleet.Messages.Wire;

namespace Virtsim.Fleet.Persistence;

/// <summary>
/// Bytes of a persistent backend's journal: <see cref="DiskChange"/> ("w"), <see cref="DiskCacheLost"/> ("c") and
/// the snapshot state <see cref="DiskImage"/> ("s"), in the wire format's varints and length-prefixed blocks.
/// </summary>
public sealed class DiskSerializer : IEventSerializer
{
    /// <summary>The only instance (stateless).</summary>
    public static DiskSerializer Instance { get; } = new();

    /// <inheritdoc />
    public string Manifest(object value) => value switch
    {
        DiskChange => "w",
        DiskCacheLost => "c",
        DiskImage => "s",
        _ => throw new ArgumentException($"not a disk event: {value.GetType().Name}", nameof(value)),
    };

    /// <inheritdoc />
    public void Write(object value, IBufferWriter<byte> output)
    {
        var w = new WireWriter(output);
        switch (value)
        {
            case DiskChange c:
                w.WriteVarUInt64(c.FeaturesLow);
                w.WriteVarUInt64(c.FeaturesHigh);
                w.WriteBool(c.Writeback);
                w.WriteVarUInt64(c.WritableLength);
                w.WriteBytes(c.Readable);
                break;
            case DiskCacheLost:
                break;
            case DiskImage image:
                w.WriteBool(image.Writeback);
                w.WriteVarUInt64((ulong)image.Sectors.Length);
                foreach (var s in image.Sectors)
                {
                    w.WriteVarUInt64(s.Sector);
                    w.WriteBytes(s.Durable);
                    w.WriteBool(s.Cached is not null);
                    if (s.Cached is { } cached) w.WriteBytes(cached);
                }
                w.WriteBool(image.WritesLost);
                break;
            default:
                throw new ArgumentException($"not a disk event: {value.GetType().Name}", nameof(value));
        }
    }

    /// <inheritdoc />
    public object Read(string manifest, ReadOnlySpan<byte> payload)
    {
        var r = new WireReader(payload);
        switch (manifest)
        {
            case "w":
                return new DiskChange(r.ReadVarUInt64(), r.ReadVarUInt64(), r.ReadBool(), checked((uint)r.ReadVarUInt64()), r.ReadBytes().ToArray());
            case "c":
                return DiskCacheLost.Instance;
            case "s":
                bool writeback = r.ReadBool();
                ulong count = r.ReadVarUInt64();
                if (count > (ulong)r.Remaining) throw new FormatException($"disk snapshot claims {count} sectors in {r.Remaining} bytes");
                var sectors = ImmutableArray.CreateBuilder<DiskSector>((int)count);
                for (ulong i = 0; i < count; i++)
                {
                    ulong sector = r.ReadVarUInt64();
                    var durable = r.ReadBytes().ToArray();
                    var cached = r.ReadBool() ? r.ReadBytes().ToArray() : null;
                    sectors.Add(new DiskSector(sector, durable, cached));
                }
                bool writesLost = r.Remaining > 0 && r.ReadBool(); // absent in snapshots written before it existed
                return new DiskImage(writeback, sectors.MoveToImmutable(), writesLost);
            default:
                throw new FormatException($"unknown disk event manifest '{manifest}'");
        }
    }
}
