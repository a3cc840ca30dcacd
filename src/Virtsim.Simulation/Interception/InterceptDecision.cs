namespace Virtsim.Simulation.Interception;

/// <summary>An <see cref="IDeliveryInterceptor"/>'s decision about one message.</summary>
/// <param name="Action">What to do.</param>
/// <param name="Delay">How long a <see cref="InterceptAction.Delay"/> holds the message (virtual time, not negative).</param>
/// <param name="Replacement">The message queued instead (<see cref="InterceptAction.Replace"/>) or as the second copy (<see cref="InterceptAction.Duplicate"/>).</param>
public readonly record struct InterceptDecision(InterceptAction Action, TimeSpan Delay = default, object? Replacement = null)
{
    /// <summary>Queue the message as sent.</summary>
    public static InterceptDecision Deliver => default;
}
