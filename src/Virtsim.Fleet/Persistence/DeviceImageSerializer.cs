using System.Buffers;
using System.Collections.Immutable;
using Akka.Persistence;
using Virtsim.Fleet.Messages.Wire;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Queues;
using Virtsim.Virtio.Status;
using Virtsim.Virtio.Transport;

namespace Virtsim.Fleet.Persistence;

/// <summary>Bytes of a device state journal: every event and snapshot is a <see cref="DeviceImage"/> (manifest "d").</summary>
public sealed class DeviceImageSerializer : IEventSerializer
{
    /// <summary>The only instance (stateless).</summary>
    public static DeviceImageSerializer Instance { get; } = new();

    /// <inheritdoc />
    public string Manifest(object value) =>
        value is DeviceImage ? "d" : throw new ArgumentException($"not a device image: {value.GetType().Name}", nameof(value));

    /// <inheritdoc />
    public void Write(object value, IBufferWriter<byte> output)
    {
        if (value is not DeviceImage image) throw new ArgumentException($"not a device image: {value.GetType().Name}", nameof(value));
        var w = new WireWriter(output);
        w.WriteString(image.Profile);
        w.WriteVarUInt64((ulong)image.MsixVectors);
        w.WriteString(image.DriverPath);
        w.WriteVarUInt64((ulong)image.Incarnation);
        var m = image.Model;
        w.WriteByte((byte)m.Status);
        w.WriteString(m.NeedsResetReason);
        WriteFeatures(ref w, m.OfferedFeatures);
        WriteFeatures(ref w, m.DriverFeatures);
        w.WriteBool(m.FeaturesAccepted);
        w.WriteVarUInt64(m.DeviceFeatureSelect);
        w.WriteVarUInt64(m.DriverFeatureSelect);
        w.WriteVarUInt64(m.ConfigGeneration);
        w.WriteByte((byte)m.InterruptStatus);
        w.WriteVarUInt64(m.ConfigMsixVector);
        w.WriteVarUInt64((ulong)m.Queues.Length);
        foreach (var q in m.Queues)
        {
            w.WriteVarUInt64((ulong)q.Index);
            w.WriteVarUInt64(q.Size);
            w.WriteBool(q.Enabled);
            w.WriteVarUInt64(q.DescriptorArea);
            w.WriteVarUInt64(q.DriverArea);
            w.WriteVarUInt64(q.DeviceArea);
            w.WriteVarUInt64(q.MsixVector);
        }
        if (!image.MigrationSnapshot) return; // the format before migration snapshots, unchanged
        w.WriteBool(true);
        foreach (var q in m.Queues)
        {
            w.WriteBool(q.Queue is not null);
            if (q.Queue is not { } s) continue;
            w.WriteVarUInt64(s.NextAvail);
            w.WriteBool(s.AvailWrapCounter);
            w.WriteVarUInt64(s.NextUsed);
            w.WriteBool(s.UsedWrapCounter);
            w.WriteVarUInt64(s.SignalledUsed);
            w.WriteBool(s.SignalledUsedWrap);
            w.WriteBool(s.NotificationsEnabled);
        }
    }

    /// <inheritdoc />
    public object Read(string manifest, ReadOnlySpan<byte> payload)
    {
        if (manifest != "d") throw new FormatException($"unknown device event manifest '{manifest}'");
        var r = new WireReader(payload);
        string profile = r.ReadString() ?? throw new FormatException("device image without a profile");
        int msix = checked((int)r.ReadVarUInt64());
        string? driver = r.ReadString();
        long incarnation = checked((long)r.ReadVarUInt64());
        var status = (DeviceStatus)r.ReadByte();
        string? reason = r.ReadString();
        var offered = ReadFeatures(ref r);
        var driverFeatures = ReadFeatures(ref r);
        bool accepted = r.ReadBool();
        uint deviceSelect = checked((uint)r.ReadVarUInt64());
        uint driverSelect = checked((uint)r.ReadVarUInt64());
        uint generation = checked((uint)r.ReadVarUInt64());
        var interrupts = (InterruptCause)r.ReadByte();
        ushort configVector = checked((ushort)r.ReadVarUInt64());
        ulong count = r.ReadVarUInt64();
        if (count > 256) throw new FormatException($"device image with {count} queues");
        var queues = ImmutableArray.CreateBuilder<QueueRegisterState>((int)count);
        for (ulong i = 0; i < count; i++)
        {
            queues.Add(new QueueRegisterState(checked((int)r.ReadVarUInt64()), checked((ushort)r.ReadVarUInt64()), r.ReadBool(),
                r.ReadVarUInt64(), r.ReadVarUInt64(), r.ReadVarUInt64(), checked((ushort)r.ReadVarUInt64()), null));
        }
        var model = new DeviceModelState
        {
            Status = status,
            NeedsResetReason = reason,
            OfferedFeatures = offered,
            DriverFeatures = driverFeatures,
            FeaturesAccepted = accepted,
            DeviceFeatureSelect = deviceSelect,
            DriverFeatureSelect = driverSelect,
            ConfigGeneration = generation,
            InterruptStatus = interrupts,
            ConfigMsixVector = configVector,
            Queues = queues.MoveToImmutable(),
        };
        if (r.Remaining == 0) return new DeviceImage(profile, model, msix, driver, incarnation);
        if (!r.ReadBool()) throw new FormatException("device image with a malformed migration section");
        // A migration snapshot: each enabled queue's ring positions follow (no chain is in flight in one).
        var format = offered.Has(FeatureBit.RingPacked) && driverFeatures.Has(FeatureBit.RingPacked) && accepted ? QueueFormat.Packed : QueueFormat.Split;
        var positioned = ImmutableArray.CreateBuilder<QueueRegisterState>(model.Queues.Length);
        foreach (var q in model.Queues)
        {
            if (!r.ReadBool()) { positioned.Add(q); continue; }
            var config = new QueueConfig(format, q.Size, q.DescriptorArea, q.DriverArea, q.DeviceArea, model.NegotiatedFeatures);
            positioned.Add(q with
            {
                Queue = new QueueState
                {
                    Config = config,
                    NextAvail = checked((ushort)r.ReadVarUInt64()),
                    AvailWrapCounter = r.ReadBool(),
                    NextUsed = checked((ushort)r.ReadVarUInt64()),
                    UsedWrapCounter = r.ReadBool(),
                    SignalledUsed = checked((ushort)r.ReadVarUInt64()),
                    SignalledUsedWrap = r.ReadBool(),
                    NotificationsEnabled = r.ReadBool(),
                },
            });
        }
        return new DeviceImage(profile, model with { Queues = positioned.MoveToImmutable() }, msix, driver, incarnation) { MigrationSnapshot = true };
    }

    private static void WriteFeatures(ref WireWriter w, FeatureSet f)
    {
        w.WriteVarUInt64(f.Low);
        w.WriteVarUInt64(f.High);
    }

    private static FeatureSet ReadFeatures(ref WireReader r) => new(r.ReadVarUInt64(), r.ReadVarUInt64());
}
