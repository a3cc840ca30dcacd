namespace Virtsim.Simulation.Interception;

/// <summary>What the simulation does with a message an <see cref="IDeliveryInterceptor"/> looked at.</summary>
public enum InterceptAction : byte
{
    /// <summary>Queue it as sent.</summary>
    Deliver,

    /// <summary>Lose it: the receiver never sees it.</summary>
    Drop,

    /// <summary>Queue it after <see cref="InterceptDecision.Delay"/> of virtual time instead of now.</summary>
    Delay,

    /// <summary>Queue it twice (the second copy is <see cref="InterceptDecision.Replacement"/> when given).</summary>
    Duplicate,

    /// <summary>Queue it ahead of every message already waiting for the receiver (it overtakes them).</summary>
    Overtake,

    /// <summary>Queue <see cref="InterceptDecision.Replacement"/> instead (an altered message), or nothing when that is null.</summary>
    Replace,
}
