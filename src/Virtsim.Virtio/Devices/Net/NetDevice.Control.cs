using System.Buffers.Binary;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;

namespace Virtsim.Virtio.Devices.Net;

public sealed partial class NetDevice
{
    private const int MaxControlData = 64 * 1024;
    private byte[] _controlBuffer = new byte[256];

    /// <summary>Serves one control command; the ack is the first writable byte and the used length is 1.</summary>
    private uint HandleControl(DescriptorChain chain, DeviceMemory memory)
    {
        byte ack = NetControl.Err;
        if (chain.ReadableLength >= 2 && chain.ReadableLength <= MaxControlData)
        {
            int length = (int)chain.ReadableLength;
            if (_controlBuffer.Length < length) _controlBuffer = new byte[Math.Max(length, _controlBuffer.Length * 2)];
            var command = _controlBuffer.AsSpan(0, length);
            if (chain.TryRead(memory, 0, command)) ack = Execute(command[0], command[1], command[2..]);
            else Statistics.MemoryFaults++;
        }
        if (chain.WritableLength == 0 || !chain.TryWrite(memory, 0, [ack]))
        {
            Statistics.ControlErrors++;
            return 0;
        }
        if (ack == NetControl.Ok) Statistics.ControlOk++;
        else Statistics.ControlErrors++;
        return 1;
    }

    private byte Execute(byte cls, byte cmd, ReadOnlySpan<byte> data)
    {
        bool ok = cls switch
        {
            NetControl.ClassRx => RxMode(cmd, data),
            NetControl.ClassMac => MacCommand(cmd, data),
            NetControl.ClassVlan => VlanCommand(cmd, data),
            NetControl.ClassAnnounce => AnnounceAck(cmd, data),
            NetControl.ClassMq => MqCommand(cmd, data),
            NetControl.ClassGuestOffloads => OffloadsCommand(cmd, data),
            _ => false,
        };
        return ok ? NetControl.Ok : NetControl.Err;
    }

    private bool RxMode(byte cmd, ReadOnlySpan<byte> data)
    {
        if (!Negotiated.Has(NetFeatureBit.CtrlRx) || data.Length != 1 || data[0] > 1) return false;
        bool on = data[0] == 1;
        if (cmd > NetControl.RxAllMulti && !Negotiated.Has(CtrlRxExtraBit)) return false;
        switch (cmd)
        {
            case NetControl.RxPromisc: Filter.Promiscuous = on; return true;
            case NetControl.RxAllMulti: Filter.AllMulticast = on; return true;
            case NetControl.RxAllUni: Filter.AllUnicast = on; return true;
            case NetControl.RxNoMulti: Filter.NoMulticast = on; return true;
            case NetControl.RxNoUni: Filter.NoUnicast = on; return true;
            case NetControl.RxNoBcast: Filter.NoBroadcast = on; return true;
            default: return false;
        }
    }

    private bool MacCommand(byte cmd, ReadOnlySpan<byte> data)
    {
        if (cmd == NetControl.MacAddrSet)
        {
            if (!Negotiated.Has(NetFeatureBit.CtrlMacAddr) || data.Length != 6) return false;
            if (data.SequenceEqual(_mac)) return true;
            data.CopyTo(_mac);
            RaiseConfigChanged();
            return true;
        }
        if (cmd != NetControl.MacTableSet || !Negotiated.Has(NetFeatureBit.CtrlRx)) return false;
        if (!TryReadMacTable(ref data, out var unicast) || !TryReadMacTable(ref data, out var multicast) || !data.IsEmpty) return false;
        Filter.SetTables(unicast, multicast);
        return true;
    }

    private static bool TryReadMacTable(ref ReadOnlySpan<byte> data, out List<ulong> table)
    {
        table = new List<ulong>();
        if (data.Length < 4) return false;
        uint entries = BinaryPrimitives.ReadUInt32LittleEndian(data);
        data = data[4..];
        if (entries > (uint)data.Length / 6) return false;
        for (int i = 0; i < (int)entries; i++) table.Add(NetRxFilter.MacKey(data.Slice(i * 6, 6)));
        data = data[((int)entries * 6)..];
        return true;
    }

    private bool VlanCommand(byte cmd, ReadOnlySpan<byte> data)
    {
        if (!Negotiated.Has(NetFeatureBit.CtrlVlan) || data.Length != 2) return false;
        ushort vid = BinaryPrimitives.ReadUInt16LittleEndian(data);
        if (vid > 4095) return false;
        switch (cmd)
        {
            case NetControl.VlanAdd: Filter.AddVlan(vid); return true;
            case NetControl.VlanDel: Filter.RemoveVlan(vid); return true;
            default: return false;
        }
    }

    private bool AnnounceAck(byte cmd, ReadOnlySpan<byte> data)
    {
        if (!Negotiated.Has(NetFeatureBit.GuestAnnounce) || cmd != NetControl.AnnounceAck || !data.IsEmpty) return false;
        if ((_status & NetConfigLayout.StatusAnnounce) != 0)
        {
            _status &= unchecked((ushort)~NetConfigLayout.StatusAnnounce);
            RaiseConfigChanged();
        }
        return true;
    }

    private bool MqCommand(byte cmd, ReadOnlySpan<byte> data)
    {
        if (cmd == NetControl.MqVqPairsSet)
        {
            if (!Negotiated.Has(NetFeatureBit.Mq) || data.Length != 2) return false;
            ushort pairs = BinaryPrimitives.ReadUInt16LittleEndian(data);
            if (pairs < 1 || pairs > MaxPairs) return false;
            ActivePairs = pairs;
            return true;
        }
        if (cmd == NetControl.MqHashConfig)
        {
            // struct virtio_net_hash_config: hash_types le32, reserved le16[4], hash_key_length u8, key bytes.
            if (!Negotiated.Has(NetFeatureBit.HashReport) || data.Length < 13) return false;
            uint types = BinaryPrimitives.ReadUInt32LittleEndian(data);
            int keyLength = data[12];
            if ((types & ~NetHashType.Supported) != 0 || keyLength > NetFlowHash.MaxKeySize || data.Length != 13 + keyLength) return false;
            EnabledHashTypes = types;
            if (keyLength > 0) _hashKey = data.Slice(13, keyLength).ToArray();
            return true;
        }
        return false;
    }

    private bool OffloadsCommand(byte cmd, ReadOnlySpan<byte> data)
    {
        if (!Negotiated.Has(NetFeatureBit.CtrlGuestOffloads) || cmd != NetControl.GuestOffloadsSet || data.Length != 8) return false;
        ulong offloads = BinaryPrimitives.ReadUInt64LittleEndian(data);
        if ((offloads & ~(Negotiated.Low & GuestOffloadMask)) != 0) return false;
        GuestOffloads = offloads;
        return true;
    }
}
