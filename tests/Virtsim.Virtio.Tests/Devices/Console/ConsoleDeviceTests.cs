using Virtsim.Virtio.Devices.Console;
using Virtsim.Virtio.Features;

namespace Virtsim.Virtio.Tests.Devices.Console;

public class ConsoleDeviceTests
{
    private sealed class RecordingOutput : IConsoleOutput
    {
        public List<byte> Bytes { get; } = new();
        public void Write(ReadOnlySpan<byte> data) => Bytes.AddRange(data.ToArray());
    }

    private sealed class Kit
    {
        public ChainBuilder Builder { get; } = new(1 << 20);
        public RecordingOutput Output { get; } = new();
        public ConsoleDevice Device { get; }
        public FakeDeviceQueue Rx { get; }
        public FakeDeviceQueue Tx { get; }
        public int ConfigChanges { get; private set; }

        public Kit(ConsoleDeviceOptions? options = null)
        {
            Device = new ConsoleDevice(Output, options);
            Device.Activate(Device.OfferedFeatures);
            Device.ConfigChanged += () => ConfigChanges++;
            Rx = Builder.NewQueue();
            Tx = Builder.NewQueue();
        }
    }

    [Fact]
    public void Output_on_transmitq_reaches_the_sink_and_is_echoed_back_as_input()
    {
        var kit = new Kit();
        var text = "hello, console\n"u8.ToArray();
        kit.Builder.Start().Readable(text.AsSpan(0, 5)).Readable(text.AsSpan(5)).AddTo(kit.Tx);
        var result = kit.Device.ProcessQueue(ConsoleDevice.TransmitQueue, kit.Tx);
        Assert.Equal(1, result.Completed);
        Assert.True(result.Interrupt);
        Assert.Equal(0u, kit.Tx.Completed[0].Length);
        Assert.Equal(text, kit.Output.Bytes);

        var rx1 = kit.Builder.Start().Writable(8);
        var rx2 = kit.Builder.Start().Writable(64);
        rx1.AddTo(kit.Rx);
        rx2.AddTo(kit.Rx);
        var input = kit.Device.Input(kit.Output.Bytes.ToArray(), kit.Rx);
        Assert.Equal(text.Length, input.Delivered);
        Assert.Equal(2, input.BuffersUsed);
        Assert.Equal(0, input.Pending);
        Assert.True(input.Interrupt);
        Assert.Equal([8u, (uint)(text.Length - 8)], kit.Rx.Completed.Select(c => c.Length));
        Assert.Equal(text, rx1.WrittenBytes().Concat(rx2.WrittenBytes().Take(text.Length - 8)));
    }

    [Fact]
    public void Input_waits_for_receive_buffers_and_is_delivered_on_the_receiveq_doorbell()
    {
        var kit = new Kit(new ConsoleDeviceOptions { MaxPendingInput = 10 });
        var first = kit.Device.Input("abcdef"u8, kit.Rx);
        Assert.Equal((0, 6, false), (first.Delivered, first.Pending, first.Interrupt));
        kit.Device.Input("ghijkl"u8, kit.Rx);
        Assert.Equal(10, kit.Device.PendingInput);
        Assert.Equal(2, kit.Device.InputDropped);

        var rx = kit.Builder.Start().Writable(4);
        rx.AddTo(kit.Rx);
        var served = kit.Device.ProcessQueue(ConsoleDevice.ReceiveQueue, kit.Rx);
        Assert.Equal(1, served.Completed);
        Assert.True(served.Interrupt);
        Assert.Equal("abcd"u8.ToArray(), rx.WrittenBytes());
        var rx2 = kit.Builder.Start().Writable(100);
        rx2.AddTo(kit.Rx);
        kit.Device.ProcessQueue(ConsoleDevice.ReceiveQueue, kit.Rx);
        Assert.Equal("efghij"u8.ToArray(), rx2.WrittenBytes()[..6]);
        Assert.Equal(0, kit.Device.PendingInput);
        kit.Device.Input("xyz"u8, kit.Rx); // wraps the pending buffer
        var rx3 = kit.Builder.Start().Writable(3);
        rx3.AddTo(kit.Rx);
        kit.Device.ProcessQueue(ConsoleDevice.ReceiveQueue, kit.Rx);
        Assert.Equal("xyz"u8.ToArray(), rx3.WrittenBytes());
    }

    [Fact]
    public void Config_holds_size_ports_and_emergency_write()
    {
        var kit = new Kit(new ConsoleDeviceOptions { Cols = 0x0102, Rows = 0x0304 });
        var config = new byte[16];
        kit.Device.ReadConfig(0, config);
        Assert.Equal("0201" + "0403" + "01000000" + "00000000" + "00000000", Convert.ToHexStringLower(config));
        kit.Device.SetSize(132, 43);
        Assert.Equal(1, kit.ConfigChanges);
        kit.Device.SetSize(132, 43);
        Assert.Equal(1, kit.ConfigChanges);
        kit.Device.ReadConfig(ConsoleConfigLayout.Cols, config.AsSpan(0, 4));
        Assert.Equal(new byte[] { 132, 0, 43, 0 }, config[..4]);

        kit.Device.WriteConfig(ConsoleConfigLayout.EmergWr, [(byte)'!', 0, 0, 0]);
        kit.Device.WriteConfig(0, new byte[4]);
        Assert.Equal("!"u8.ToArray(), kit.Output.Bytes);
        kit.Device.ReadConfig(0, config.AsSpan(0, 2));
        Assert.Equal(132, config[0]);

        var plain = new Kit(new ConsoleDeviceOptions { DeviceFeatures = FeatureSet.None });
        plain.Device.WriteConfig(ConsoleConfigLayout.EmergWr, [(byte)'!']);
        Assert.Empty(plain.Output.Bytes);
        plain.Device.SetSize(1, 1);
        Assert.Equal(0, plain.ConfigChanges);
        Assert.Throws<ArgumentException>(() => new ConsoleDevice(null, new ConsoleDeviceOptions { DeviceFeatures = FeatureSet.Of(ConsoleFeatureBit.Multiport) }));
        Assert.Equal(DeviceType.Console, plain.Device.Type);
        Assert.Equal(2, plain.Device.QueueCount);
    }

    [Fact]
    public void Faults_are_counted_and_a_broken_receive_queue_is_reported()
    {
        var kit = new Kit();
        kit.Builder.Start().ReadableUnmapped(10).AddTo(kit.Tx);
        Assert.Equal(1, kit.Device.ProcessQueue(ConsoleDevice.TransmitQueue, kit.Tx).Completed);
        kit.Builder.Start().WritableUnmapped(10).AddTo(kit.Rx);
        var r = kit.Device.Input("abc"u8, kit.Rx);
        Assert.Equal((0, 1, 3), (r.Delivered, r.BuffersUsed, r.Pending));
        Assert.Equal(2, kit.Device.MemoryFaults);
        kit.Builder.Start().Writable(10).AddTo(kit.Rx);
        kit.Rx.BreakAfterPops = 1;
        Assert.True(kit.Device.ProcessQueue(ConsoleDevice.ReceiveQueue, kit.Rx).Error.IsError);
        kit.Device.Reset();
        Assert.Equal(0, kit.Device.PendingInput);
    }

    [Fact]
    public void Input_before_driver_ok_waits_for_activation()
    {
        var builder = new ChainBuilder(1 << 20);
        var device = new ConsoleDevice(null);
        var rx = builder.NewQueue();
        var chain = builder.Start().Writable(10);
        chain.AddTo(rx);
        Assert.Equal(0, device.Input("hi"u8, rx).Delivered);
        Assert.Equal(1, rx.AvailableCount);
        device.Activate(device.OfferedFeatures);
        Assert.Equal(1, device.ProcessQueue(ConsoleDevice.ReceiveQueue, rx).Completed);
        Assert.Equal("hi"u8.ToArray(), chain.WrittenBytes()[..2]);
    }
}
