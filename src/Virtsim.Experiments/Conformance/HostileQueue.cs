using System.Diagnostics;
using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;
using Virtsim.Virtio.Queues.Split;

namespace Virtsim.Experiments.Conformance;

/// <summary>
/// A device queue that behaves until its fault's turn comes, then writes that one completion wrong, and behaves again.
/// The core queue underneath writes every ring byte; this only changes what it is given (a length, a chain's id, the
/// bytes of a buffer) or patches a split used element before its index is published, so the driver never sees a half
/// written entry.
/// </summary>
internal sealed class HostileQueue(IDeviceQueue inner, DeviceFault fault, FaultState state) : IDeviceQueue
{
    private int _completions;
    private ushort _lastId;
    private bool _bumpIndex;
    private bool _frozen;
    private long _frozenAt;
    private bool _liedBackwards;

    public QueueFormat Format => inner.Format;
    public QueueConfig Config => inner.Config;
    public DeviceMemory Memory => inner.Memory;
    public QueueError Error => inner.Error;
    public int InFlightCount => inner.InFlightCount;
    public IReadOnlyList<DescriptorChain> InFlight => inner.InFlight;
    public PopResult TryPop(out DescriptorChain chain)
    {
        // After an index fault the ring stops moving, so the lie stays in place until the driver reads it.
        if (_frozen)
        {
            // A frozen receive ring publishes nothing more, but the device keeps trying to fill it: the step back comes here.
            if (!_liedBackwards && Stopwatch.GetElapsedTime(_frozenAt) >= BackwardsDelay)
            {
                _liedBackwards = true;
                StepIndex(-1);
            }
            chain = default!;
            return PopResult.Empty;
        }
        return inner.TryPop(out chain);
    }
    public void SetNotifications(bool enabled) => inner.SetNotifications(enabled);
    public bool HasAvailable() => !_frozen && inner.HasAvailable();
    public void OnNotificationData(uint data) => inner.OnNotificationData(data);
    public QueueState SaveState() => inner.SaveState();
    public void Reset() => inner.Reset();

    public bool TryComplete(DescriptorChain chain, uint writtenLength)
    {
        bool now = !state.Triggered && ++_completions > fault.After;
        ushort realId = chain.Id;
        if (!now)
        {
            _lastId = realId;
            return inner.TryComplete(chain, writtenLength);
        }
        state.Trigger($"{fault.Kind} on ring {fault.Ring} at completion {_completions} (buffer {realId})");
        switch (fault.Kind)
        {
            case FaultKind.UsedIdOutOfRange: return CompleteWithId(chain, writtenLength, (uint)Config.Size + 3);
            case FaultKind.UsedIdStale: return CompleteWithId(chain, writtenLength, _lastId);
            case FaultKind.UsedLengthTooLarge: return inner.TryComplete(chain, (uint)Math.Min(chain.WritableLength + 4096, uint.MaxValue));
            case FaultKind.UsedLengthOnReadOnly: return inner.TryComplete(chain, Math.Max(writtenLength, 64));
            case FaultKind.UsedIndexJump:
            case FaultKind.UsedIndexBackwards:
                _bumpIndex = true;
                return inner.TryComplete(chain, writtenLength);
            case FaultKind.NumBuffersZero:
            case FaultKind.NumBuffersTooMany:
                ushort count = fault.Kind == FaultKind.NumBuffersZero ? (ushort)0 : (ushort)(Config.Size + 1);
                chain.TryWrite(inner.Memory, 10, [(byte)count, (byte)(count >> 8)]);
                return inner.TryComplete(chain, writtenLength);
            case FaultKind.BlkStatusInvalid:
                if (chain.WritableLength > 0) chain.TryWrite(inner.Memory, chain.WritableLength - 1, [0x7F]);
                return inner.TryComplete(chain, writtenLength);
            default: // BlkUsedLengthZero
                return inner.TryComplete(chain, 0);
        }
    }

    // Jump: the index moves past every buffer made available, at once. Backwards: the index is published, left for the
    // driver to take (a quarter second), then stepped back by one (at the next TryPop). Either way the ring is frozen from
    // then on, so the lie stays in place.
    public bool PublishUsed()
    {
        if (_frozen) return false;
        bool interrupt = inner.PublishUsed();
        if (!_bumpIndex) return interrupt;
        _bumpIndex = false;
        _frozen = true;
        _frozenAt = Stopwatch.GetTimestamp();
        if (fault.Kind == FaultKind.UsedIndexBackwards) return interrupt;
        _liedBackwards = true;
        return StepIndex(Config.Size + 1);
    }

    private static readonly TimeSpan BackwardsDelay = TimeSpan.FromMilliseconds(250);

    private bool StepIndex(int step)
    {
        ulong at = Config.DeviceArea + SplitLayout.UsedIndexOffset;
        var memory = inner.Memory.Memory;
        memory.TryReadU16(at, out ushort idx);
        memory.TryWriteU16Release(at, (ushort)(idx + step));
        return true;
    }

    // Split: the core writes the element at its next used slot, which the driver sees only when the index moves, so the id
    // is patched in between. Packed: the chain's id is what the core writes into the used descriptor.
    private bool CompleteWithId(DescriptorChain chain, uint writtenLength, uint id)
    {
        if (Format == QueueFormat.Packed)
        {
            chain.Id = (ushort)id;
            return inner.TryComplete(chain, writtenLength);
        }
        ushort slot = (ushort)(inner.SaveState().NextUsed % Config.Size);
        if (!inner.TryComplete(chain, writtenLength)) return false;
        inner.Memory.Memory.TryWriteU32(Config.DeviceArea + SplitLayout.UsedElementOffset(slot), id);
        return true;
    }
}
