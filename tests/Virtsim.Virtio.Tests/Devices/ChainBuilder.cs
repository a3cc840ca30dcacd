using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;

namespace Virtsim.Virtio.Tests.Devices;

/// <summary>Builds descriptor chains over guest memory with a bump allocator, for device tests.</summary>
internal sealed class ChainBuilder
{
    private ulong _next = 0x1000;

    public ChainBuilder(int size = 1 << 20) => Memory = GuestMemory.WithArray(size);

    public GuestMemory Memory { get; }

    public FakeDeviceQueue NewQueue() => new(Memory);

    /// <summary>Starts a chain; segments are added with the fluent helpers.</summary>
    public Chain Start() => new(this);

    public ulong Allocate(int length)
    {
        ulong address = _next;
        _next += (ulong)((length + 15) & ~15) + 16;
        if (_next > (ulong)Memory.Regions[0].Size) throw new InvalidOperationException("test memory exhausted");
        return address;
    }

    public byte[] ReadBytes(ulong address, int length)
    {
        var buffer = new byte[length];
        Assert.True(Memory.TryRead(address, buffer));
        return buffer;
    }

    internal sealed class Chain
    {
        private readonly ChainBuilder _owner;
        public DescriptorChain Value { get; } = new();
        public List<(ulong Address, int Length)> WritableSegments { get; } = new();

        public Chain(ChainBuilder owner) => _owner = owner;

        public Chain Readable(ReadOnlySpan<byte> data)
        {
            ulong address = _owner.Allocate(data.Length);
            Assert.True(_owner.Memory.TryWrite(address, data));
            Assert.True(Value.TryAdd(new ChainSegment(address, (uint)data.Length, false)));
            return this;
        }

        /// <summary>A readable segment at an address nothing backs (a memory fault on access).</summary>
        public Chain ReadableUnmapped(uint length)
        {
            Assert.True(Value.TryAdd(new ChainSegment(0xFFFF_0000_0000, length, false)));
            return this;
        }

        public Chain WritableUnmapped(uint length)
        {
            Assert.True(Value.TryAdd(new ChainSegment(0xFFFF_0000_0000, length, true)));
            WritableSegments.Add((0xFFFF_0000_0000, (int)length));
            return this;
        }

        public Chain Writable(int length)
        {
            ulong address = _owner.Allocate(length);
            Assert.True(_owner.Memory.TryFill(address, (ulong)length, 0xEE));
            Assert.True(Value.TryAdd(new ChainSegment(address, (uint)length, true)));
            WritableSegments.Add((address, length));
            return this;
        }

        /// <summary>All writable bytes concatenated.</summary>
        public byte[] WrittenBytes()
        {
            var all = new List<byte>();
            foreach (var (address, length) in WritableSegments)
                all.AddRange(address == 0xFFFF_0000_0000 ? new byte[length] : _owner.ReadBytes(address, length));
            return [.. all];
        }

        public byte LastWritableByte => WrittenBytes()[^1];

        public DescriptorChain AddTo(FakeDeviceQueue queue)
        {
            queue.Add(Value);
            return Value;
        }
    }
}
