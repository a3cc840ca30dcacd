namespace Virtsim.Actors.Supervision;

/// <summary>
/// Applies the decision to the failing child only. When a child needs more than
/// <see cref="SupervisorStrategy.MaxNumberOfRetries"/> restarts within <see cref="SupervisorStrategy.WithinTimeRange"/>
/// (measured on the dispatcher's clock, so virtual under simulation), it is stopped instead.
/// </summary>
public sealed class OneForOneStrategy : SupervisorStrategy
{
    private readonly Func<Exception, Directive> _decider;

    /// <summary>Creates a strategy.</summary>
    /// <param name="maxNumberOfRetries">Restarts allowed within the window; negative for unlimited.</param>
    /// <param name="withinTimeRange">The window; null to count over the child's whole life.</param>
    /// <param name="decider">Maps an exception to a directive.</param>
    public OneForOneStrategy(int maxNumberOfRetries, TimeSpan? withinTimeRange, Func<Exception, Directive> decider)
    {
        ArgumentNullException.ThrowIfNull(decider);
        MaxNumberOfRetries = maxNumberOfRetries;
        WithinTimeRange = withinTimeRange;
        _decider = decider;
    }

    /// <summary>Creates an unlimited strategy from a decider.</summary>
    public OneForOneStrategy(Func<Exception, Directive> decider) : this(-1, null, decider) { }

    /// <inheritdoc />
    public override int MaxNumberOfRetries { get; }

    /// <inheritdoc />
    public override TimeSpan? WithinTimeRange { get; }

    /// <inheritdoc />
    public override Directive Decide(Exception cause) => _decider(cause);
}
