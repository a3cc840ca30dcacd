namespace Virtsim.Fleet.MessageFaults;

/// <summary>What a message fault does to a message it selects.</summary>
public enum MessageFaultAction : byte
{
    /// <summary><c>drop</c>: the message is lost.</summary>
    Drop,
    /// <summary><c>delay</c>: the message arrives later by the fault's delay (fixed or drawn).</summary>
    Delay,
    /// <summary><c>duplicate</c>: the message arrives twice.</summary>
    Duplicate,
    /// <summary><c>reorder</c>: the message overtakes every message already waiting for its receiver.</summary>
    Reorder,
    /// <summary><c>corrupt</c>: one bit of the message's bytes flips in flight.</summary>
    Corrupt,
}
