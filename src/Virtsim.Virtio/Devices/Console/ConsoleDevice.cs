using System.Buffers.Binary;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;

namespace Virtsim.Virtio.Devices.Console;

/// <summary>
/// virtio-console with a single port (spec §5.3): receiveq 0 carries input to the driver, transmitq 1 carries
/// output to an <see cref="IConsoleOutput"/>. Input that finds no receive buffer waits (bounded) until the driver
/// adds buffers and rings receiveq. Config holds cols/rows (SIZE) and emerg_wr (EMERG_WRITE).
/// </summary>
public sealed class ConsoleDevice : RequestDeviceBase
{
    /// <summary>Index of receiveq0.</summary>
    public const int ReceiveQueue = 0;
    /// <summary>Index of transmitq0.</summary>
    public const int TransmitQueue = 1;

    private readonly IConsoleOutput? _output;
    private readonly ConsoleDeviceOptions _options;
    private readonly byte[] _pending;
    private readonly byte[] _scratch = new byte[4096];
    private readonly ChainHandler _txHandler;
    private int _pendingStart;
    private int _pendingCount;
    private ushort _cols;
    private ushort _rows;

    /// <summary>Creates a console whose output goes to <paramref name="output"/> (discarded when null).</summary>
    public ConsoleDevice(IConsoleOutput? output, ConsoleDeviceOptions? options = null)
        : base(Offer(options ?? new ConsoleDeviceOptions()))
    {
        _options = options ?? new ConsoleDeviceOptions();
        _output = output;
        _pending = new byte[Math.Max(1, _options.MaxPendingInput)];
        MaxQueueSize = _options.QueueSize;
        _txHandler = Transmit;
        _cols = _options.Cols;
        _rows = _options.Rows;
    }

    private static FeatureSet Offer(ConsoleDeviceOptions options)
    {
        if (options.DeviceFeatures.Has(ConsoleFeatureBit.Multiport))
            throw new ArgumentException("this console has a single port: MULTIPORT cannot be offered", nameof(options));
        return options.DeviceFeatures | options.RingFeatures | FeatureSet.Of(FeatureBit.Version1);
    }

    /// <inheritdoc />
    public override DeviceType Type => DeviceType.Console;

    /// <inheritdoc />
    public override int QueueCount => 2;

    /// <inheritdoc />
    public override int ConfigSize => ConsoleConfigLayout.Size;

    /// <summary>Bytes waiting for receive buffers.</summary>
    public int PendingInput => _pendingCount;

    /// <summary>Input bytes dropped because the pending buffer was full.</summary>
    public long InputDropped { get; private set; }

    /// <summary>Bytes sent to the output (transmitq and emergency writes).</summary>
    public long BytesWritten { get; private set; }

    /// <summary>Guest-memory faults met while moving data.</summary>
    public long MemoryFaults { get; private set; }

    /// <summary>Changes the console size; raises ConfigChanged when SIZE is offered and the size changed.</summary>
    public void SetSize(ushort cols, ushort rows)
    {
        if (cols == _cols && rows == _rows) return;
        _cols = cols;
        _rows = rows;
        if (OfferedFeatures.Has(ConsoleFeatureBit.Size)) RaiseConfigChanged();
    }

    /// <inheritdoc />
    protected override void BuildConfig(Span<byte> c)
    {
        c.Clear();
        if (OfferedFeatures.Has(ConsoleFeatureBit.Size))
        {
            BinaryPrimitives.WriteUInt16LittleEndian(c[ConsoleConfigLayout.Cols..], _cols);
            BinaryPrimitives.WriteUInt16LittleEndian(c[ConsoleConfigLayout.Rows..], _rows);
        }
        BinaryPrimitives.WriteUInt32LittleEndian(c[ConsoleConfigLayout.MaxNrPorts..], 1);
    }

    /// <summary>
    /// A write that covers the first byte of <c>emerg_wr</c> (offset 8) outputs that byte as one character, when
    /// EMERG_WRITE is offered (the spec lets the driver use it before feature negotiation). Other fields are read-only.
    /// </summary>
    public override void WriteConfig(int offset, ReadOnlySpan<byte> source)
    {
        int index = ConsoleConfigLayout.EmergWr - offset;
        if (index < 0 || index >= source.Length || !OfferedFeatures.Has(ConsoleFeatureBit.EmergWrite)) return;
        BytesWritten++;
        _output?.Write(source.Slice(index, 1));
    }

    /// <inheritdoc />
    protected override void OnReset()
    {
        _pendingStart = 0;
        _pendingCount = 0;
    }

    /// <inheritdoc />
    public override QueueProcessResult ProcessQueue(int queueIndex, IDeviceQueue queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        if (queueIndex == TransmitQueue) return ServeAll(queue, _txHandler);
        if (queueIndex != ReceiveQueue) return default;
        var drained = Drain(queue);
        return new QueueProcessResult(drained.BuffersUsed, drained.Interrupt, drained.Error);
    }

    /// <summary>
    /// Queues <paramref name="data"/> as input and delivers as much as the receive buffers of <paramref name="rx"/> hold
    /// (nothing before DRIVER_OK: the input waits).
    /// </summary>
    public ConsoleInputResult Input(ReadOnlySpan<byte> data, IDeviceQueue rx)
    {
        ArgumentNullException.ThrowIfNull(rx);
        int room = _pending.Length - _pendingCount;
        if (data.Length > room)
        {
            InputDropped += data.Length - room;
            data = data[..room];
        }
        if (_pendingStart + _pendingCount + data.Length > _pending.Length)
        {
            _pending.AsSpan(_pendingStart, _pendingCount).CopyTo(_pending);
            _pendingStart = 0;
        }
        data.CopyTo(_pending.AsSpan(_pendingStart + _pendingCount));
        _pendingCount += data.Length;
        return Drain(rx);
    }

    private ConsoleInputResult Drain(IDeviceQueue rx)
    {
        int delivered = 0;
        int used = 0;
        var error = QueueError.None;
        while (_pendingCount > 0 && IsActive)
        {
            var pop = rx.TryPop(out var chain);
            if (pop == PopResult.Empty) break;
            if (pop == PopResult.Broken) { error = rx.Error; break; }
            int take = (int)Math.Min(chain.WritableLength, (ulong)_pendingCount);
            uint written = 0;
            if (chain.TryWrite(rx.Memory, 0, _pending.AsSpan(_pendingStart, take)))
            {
                _pendingStart += take;
                _pendingCount -= take;
                delivered += take;
                written = (uint)take;
            }
            else MemoryFaults++;
            if (_pendingCount == 0) _pendingStart = 0;
            if (!Complete(rx, chain, written, ref error)) break;
            used++;
        }
        bool interrupt = used > 0 && rx.PublishUsed();
        return new ConsoleInputResult(delivered, used, _pendingCount, interrupt, error);
    }

    private uint Transmit(DescriptorChain chain, DeviceMemory memory)
    {
        ulong total = chain.ReadableLength;
        ulong done = 0;
        while (done < total)
        {
            int run = (int)Math.Min((ulong)_scratch.Length, total - done);
            var buffer = _scratch.AsSpan(0, run);
            if (!chain.TryRead(memory, done, buffer)) { MemoryFaults++; break; }
            BytesWritten += run;
            _output?.Write(buffer);
            done += (ulong)run;
        }
        return 0;
    }
}
