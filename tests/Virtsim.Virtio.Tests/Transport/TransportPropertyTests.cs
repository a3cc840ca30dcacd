using FsCheck;
using FsCheck.Fluent;
using Virtsim.Virtio.Devices;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Queues;
using Virtsim.Virtio.Status;
using Virtsim.Virtio.Transport;
using Virtsim.Virtio.Transport.Pci;

namespace Virtsim.Virtio.Tests.Transport;

/// <summary>Random register traffic on both transports never throws and never breaks the model's invariants.</summary>
public class TransportPropertyTests
{
    private static readonly int[] PciInteresting =
    [
        0x00, 0x04, 0x08, 0x0C, 0x10, 0x12, 0x14, 0x15, 0x16, 0x18, 0x1A, 0x1C, 0x1E, 0x20, 0x24, 0x28, 0x2C, 0x30, 0x34, 0x38, 0x3A,
        0x3C, 0x3E, 0x1000, 0x2000, 0x2004, 0x2008, 0x3000, 0x3004,
    ];

    private static readonly int[] MmioInteresting =
    [
        0x000, 0x004, 0x008, 0x00C, 0x010, 0x014, 0x020, 0x024, 0x030, 0x034, 0x038, 0x044, 0x050, 0x060, 0x064, 0x070, 0x080, 0x084,
        0x090, 0x094, 0x0A0, 0x0A4, 0x0AC, 0x0B0, 0x0C0, 0x0FC, 0x100, 0x104, 0x108,
    ];

    private static readonly int[] Sizes = [1, 2, 4, 4, 4, 3, 8, 0];

    // How deep the random traffic got: the properties must not pass by never leaving the reset state.
    private sealed class Coverage
    {
        public int DriverOk, Processed, NeedsReset;
        public void Observe(TestDevice t)
        {
            if (t.Model.Status.Has(DeviceStatus.DriverOk)) DriverOk++;
            if (t.Model.Status.Has(DeviceStatus.DeviceNeedsReset)) NeedsReset++;
            Processed = Math.Max(Processed, t.Handler.Processed.Count);
        }
        public void AssertDeep()
        {
            Assert.True(DriverOk > 0, "random traffic never reached DRIVER_OK");
            Assert.True(NeedsReset > 0, "random traffic never reached DEVICE_NEEDS_RESET");
            Assert.True(Processed > 0, "random traffic never served a queue");
        }
    }

    [Fact]
    public void Random_pci_traffic_never_throws_or_corrupts()
    {
        var coverage = new Coverage();
        // FsCheck draws small integers early; a seeded generator spreads the ops over the full 64-bit range.
        Prop.ForAll<int, byte>((seed, length) =>
        {
            var ops = Ops(seed, length);
            var t = Setup("pci");
            var pci = t.Pci!;
            foreach (ulong op in ops)
            {
                var (kind, offset, size, value) = Decode(op, PciInteresting);
                switch (kind)
                {
                    case 0: pci.ReadBar(PciLayout.VirtioBar, (ulong)offset, size); break;
                    case 1 or 2: pci.WriteBar(PciLayout.VirtioBar, (ulong)offset, size, value); break;
                    case 3: pci.ReadConfigSpace((int)(op >> 8) % 300 - 20, size); break;
                    case 4: pci.WriteConfigSpace((int)(op >> 8) % 300 - 20, size, value); break;
                    case 5:
                        if ((op & 0x100) != 0) pci.WriteBar(PciLayout.MsixBar, (op >> 9) % 0x1100, size, value);
                        else if ((op & 0x200) != 0) pci.ReadBar((int)((op >> 10) % 7) - 1, op >> 12, size);
                        else pci.WriteBar(PciLayout.VirtioBar, PciLayout.NotifyOffset + (op >> 10) % 3 * 4, (op & 0x400) != 0 ? 4 : 2, value & 3);
                        break;
                    case 6: DriverInitSequence.Run(t.Port, offered => offered & new FeatureSet(value | (1UL << 32), op), [TestDevice.Queue(0), TestDevice.Queue(1)]); break;
                    default: DeviceEvent(t, op); break;
                }
                if (!Consistent(t, out var why)) throw new InvalidOperationException($"after op 0x{op:x}: {why}");
                coverage.Observe(t);
            }
            return true;
        }).QuickCheckThrowOnFailure();
        coverage.AssertDeep();
    }

    [Fact]
    public void Random_mmio_traffic_never_throws_or_corrupts()
    {
        var coverage = new Coverage();
        // FsCheck draws small integers early; a seeded generator spreads the ops over the full 64-bit range.
        Prop.ForAll<int, byte>((seed, length) =>
        {
            var ops = Ops(seed, length);
            var t = Setup("mmio");
            var mmio = t.Mmio!;
            foreach (ulong op in ops)
            {
                var (kind, offset, size, value) = Decode(op, MmioInteresting);
                switch (kind)
                {
                    case 0: mmio.Read((ulong)offset, size); break;
                    case 1 or 2: mmio.Write((ulong)offset, size, value); break;
                    case 3: mmio.Read(op >> 8, size); break;
                    case 4: mmio.Write(op >> 8, size, value); break;
                    case 5: mmio.Write(R(op) ? 0x050UL : 0x064UL, 4, value & 3); break;
                    case 6: DriverInitSequence.Run(t.Port, offered => offered & new FeatureSet(value | (1UL << 32), op), [TestDevice.Queue(0), TestDevice.Queue(1)]); break;
                    default: DeviceEvent(t, op); break;
                }
                if (!Consistent(t, out var why)) throw new InvalidOperationException($"after op 0x{op:x}: {why}");
                coverage.Observe(t);
            }
            return true;
        }).QuickCheckThrowOnFailure();
        coverage.AssertDeep();
    }

    private static bool R(ulong op) => (op & 0x200) != 0;

    private static ulong[] Ops(int seed, byte length)
    {
        var rng = new Random(seed);
        var ops = new ulong[length];
        for (int i = 0; i < ops.Length; i++) ops[i] = (ulong)rng.NextInt64() ^ ((ulong)rng.Next(2) << 63);
        return ops;
    }

    private static TestDevice Setup(string transport)
    {
        var offer = FakeDeviceHandler.DefaultOffer.With(FeatureBit.RingPacked).With(FeatureBit.Suspend).With(FeatureBit.NotifConfigData);
        var handler = new FakeDeviceHandler { OfferedFeatures = offer, Validator = f => f.Has(70) && !f.Has(5) ? "70 needs 5" : null };
        int calls = 0;
        handler.Process = (_, _) => ++calls % 5 == 0
            ? new QueueProcessResult(0, false, new QueueError(QueueErrorKind.DescriptorIndexOutOfRange, 9))
            : new QueueProcessResult(1, calls % 2 == 0, QueueError.None);
        return TestDevice.Create(transport, handler, new PciTransportOptions { MsixVectors = 2 });
    }

    private static void DeviceEvent(TestDevice t, ulong op)
    {
        switch ((op >> 3) % 4)
        {
            case 0: t.Handler.ChangeConfig((int)((op >> 8) % 16), (byte)(op >> 16)); break;
            case 1: t.Model.SetNeedsReset("injected"); break;
            case 2: t.Model.Notify((int)((op >> 8) % 4) - 1, (uint)(op >> 16)); break;
            default: t.Port.TakeInterruptStatus(); break;
        }
    }

    // kind 0-7; offset from the interesting list (or raw); size; value small or full.
    private static (int Kind, int Offset, int Size, uint Value) Decode(ulong op, int[] interesting)
    {
        int kind = (int)(op & 7);
        int offset = interesting[(int)((op >> 3) % (ulong)interesting.Length)];
        int size = Sizes[(int)((op >> 10) & 7)];
        uint value = (uint)(op >> 32);
        if (kind == 1) value &= (op & 0x2000) != 0 ? 0xFu : 0xFFu;
        return (kind, offset, size, value);
    }

    private static bool Consistent(TestDevice t, out string why)
    {
        var m = t.Model;
        var s = m.Status;
        why = "";
        if ((s & ~DeviceStatusExtensions.Defined) != 0) why = $"reserved status bits in {s.Describe()}";
        else if (s.Has(DeviceStatus.Driver) && !s.Has(DeviceStatus.Acknowledge)) why = $"DRIVER without ACKNOWLEDGE: {s.Describe()}";
        else if (s.Has(DeviceStatus.FeaturesOk) && !s.Has(DeviceStatus.Driver)) why = $"FEATURES_OK without DRIVER: {s.Describe()}";
        else if (s.Has(DeviceStatus.DriverOk) && !s.Has(DeviceStatus.FeaturesOk)) why = $"DRIVER_OK without FEATURES_OK: {s.Describe()}";
        else if (s.Has(DeviceStatus.Suspend) && (s.Has(DeviceStatus.DriverOk) || !s.Has(DeviceStatus.FeaturesOk))) why = $"bad SUSPEND: {s.Describe()}";
        else if (s.Has(DeviceStatus.FeaturesOk) != m.Negotiation.IsAccepted) why = "FEATURES_OK disagrees with the negotiation";
        else if (m.Negotiation.IsAccepted && (!m.NegotiatedFeatures.IsSubsetOf(m.Negotiation.Offered) || !m.NegotiatedFeatures.Has(FeatureBit.Version1)))
            why = $"accepted features {m.NegotiatedFeatures} are not a valid subset";
        else if (s.Has(DeviceStatus.DeviceNeedsReset) != (m.NeedsResetReason != null)) why = "NEEDS_RESET and its reason disagree";
        else if ((m.InterruptStatus & ~(InterruptCause.Queue | InterruptCause.Config)) != 0) why = "undefined ISR bits";
        else if (t.Sink.LineAsserted != m.InterruptLineAsserted) why = "sink and model disagree on the line";
        else if (m.InterruptLineAsserted != (m.InterruptStatus != 0 && !(t.Pci?.Msix.Enabled ?? false) && !m.InterruptLineDisabled))
            why = "line level does not follow ISR";
        else if (m.ConfigMsixVector != MsixVector.NoVector && m.ConfigMsixVector >= 2) why = "config vector beyond the table";
        else
        {
            foreach (var q in m.Queues)
            {
                if (q.Enabled != (q.Queue != null)) { why = $"queue {q.Index} enabled flag and queue object disagree"; break; }
                if (q.Queue != null && (q.Queue.Config.Validate() != null || q.Queue.Config.Size > q.MaxSize)) { why = $"queue {q.Index} runs an invalid config"; break; }
                if (q.Queue != null && (q.Queue.Format == QueueFormat.Packed) != m.NegotiatedFeatures.Has(FeatureBit.RingPacked)) { why = $"queue {q.Index} has the wrong format"; break; }
                if (q.MsixVector != MsixVector.NoVector && q.MsixVector >= 2) { why = $"queue {q.Index} vector beyond the table"; break; }
            }
        }
        return why.Length == 0;
    }
}
