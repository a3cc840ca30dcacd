using FsCheck;
using FsCheck.Fluent;
using Virtsim.Virtio.Devices.Net;
using Virtsim.Virtio.Features;

namespace Virtsim.Virtio.Tests.Devices.Net;

public class NetPropertyTests
{
    [Fact]
    public void Mergeable_receive_reassembles_any_frame_over_any_buffer_sizes()
    {
        Prop.ForAll<int>(seed =>
        {
            var random = new Random(seed);
            bool hash = random.Next(2) == 0;
            var features = FeatureSet.Of(FeatureBit.Version1, NetFeatureBit.MrgRxbuf);
            var options = new NetDeviceOptions { DeviceFeatures = FeatureSet.Of(NetFeatureBit.MrgRxbuf, NetFeatureBit.HashReport) };
            var kit = new NetTestKit(options, negotiate: hash ? features.With(NetFeatureBit.HashReport) : features);
            int headerSize = hash ? 20 : 12;
            var chains = new List<ChainBuilder.Chain>();
            for (int i = 0; i < 12; i++)
            {
                var chain = kit.Builder.Start().Writable(headerSize + random.Next(0, 200));
                if (random.Next(3) == 0) chain.Writable(random.Next(1, 100));
                chain.AddTo(kit.Queue);
                chains.Add(chain);
            }
            var frame = NetTestKit.Frame(random.Next(14, 1500), seed: seed);
            var result = kit.Device.ReceiveFrame(frame, kit.Queue);
            if (result.Status == NetReceiveStatus.NoBuffer)
            {
                Assert.Equal(12, result.BuffersUsed);
                Assert.All(kit.Queue.Completed, c => Assert.Equal(0u, c.Length));
                return;
            }
            Assert.Equal(NetReceiveStatus.Delivered, result.Status);
            int used = result.BuffersUsed;
            var first = chains[0].WrittenBytes();
            Assert.Equal(used, NetHeader.Read(first, headerSize).NumBuffers);
            var joined = new List<byte>();
            for (int i = 0; i < used; i++)
            {
                uint length = kit.Queue.Completed[i].Length;
                Assert.True(length > 0);
                joined.AddRange(chains[i].WrittenBytes().Take((int)length).Skip(i == 0 ? headerSize : 0));
            }
            Assert.Equal(frame, joined.ToArray());
            Assert.Equal(12 - used, kit.Queue.AvailableCount);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Random_control_commands_never_throw_and_always_get_an_ack()
    {
        byte[] classes = [0, 1, 2, 3, 4, 5, 6, 0xff];
        Prop.ForAll<int>(seed =>
        {
            var random = new Random(seed);
            var options = new NetDeviceOptions
            {
                MaxQueuePairs = 4,
                DeviceFeatures = new NetDeviceOptions().DeviceFeatures.With(NetFeatureBit.HashReport).With(NetFeatureBit.CtrlGuestOffloads)
                    .With(NetDevice.CtrlRxExtraBit),
            };
            var kit = new NetTestKit(options);
            for (int n = 0; n < 10; n++)
            {
                var chain = kit.Builder.Start();
                int readable = random.Next(4);
                for (int i = 0; i < readable; i++)
                {
                    var bytes = new byte[random.Next(3) switch { 0 => random.Next(0, 4), 1 => random.Next(0, 16), _ => random.Next(0, 80) }];
                    random.NextBytes(bytes);
                    if (i == 0 && bytes.Length >= 2) { bytes[0] = classes[random.Next(classes.Length)]; bytes[1] = (byte)random.Next(4); }
                    if (random.Next(15) == 0) chain.ReadableUnmapped((uint)bytes.Length);
                    else chain.Readable(bytes);
                }
                int writable = random.Next(3);
                for (int i = 0; i < writable; i++) chain.Writable(random.Next(0, 4));
                chain.AddTo(kit.ControlQueue);
                var result = kit.Device.ProcessQueue(kit.Device.ControlQueueIndex, kit.ControlQueue);
                Assert.Equal(1, result.Completed);
                uint used = kit.ControlQueue.Completed[^1].Length;
                if (chain.Value.WritableLength == 0) Assert.Equal(0u, used);
                else
                {
                    Assert.Equal(1u, used);
                    Assert.InRange(chain.WrittenBytes()[0], NetControl.Ok, NetControl.Err);
                }
            }
            Assert.InRange(kit.Device.ActivePairs, 1, 4);
        }).QuickCheckThrowOnFailure();
    }
}
