namespace Virtsim.Actors.Supervision;

/// <summary>
/// How a parent handles its children's failures. Override <c>ActorBase.SupervisorStrategy</c> to change it.
/// </summary>
public abstract class SupervisorStrategy
{
    /// <summary>
    /// The default: restart on any exception without limit, except <see cref="ActorInitializationException"/> and
    /// <see cref="ActorKilledException"/>, which stop the child.
    /// </summary>
    public static SupervisorStrategy Default { get; } = new OneForOneStrategy(-1, null, DefaultDecider);

    /// <summary>Stops any failing child.</summary>
    public static SupervisorStrategy StoppingStrategy { get; } = new OneForOneStrategy(-1, null, _ => Directive.Stop);

    /// <summary>The default decision for an exception.</summary>
    public static Directive DefaultDecider(Exception cause) => cause switch
    {
        ActorInitializationException => Directive.Stop,
        ActorKilledException => Directive.Stop,
        _ => Directive.Restart,
    };

    /// <summary>The directive for a child's failure.</summary>
    public abstract Directive Decide(Exception cause);

    /// <summary>Maximum restarts of one child within <see cref="WithinTimeRange"/>; negative means unlimited.</summary>
    public abstract int MaxNumberOfRetries { get; }

    /// <summary>The window the retries are counted in; null counts over the child's whole life.</summary>
    public abstract TimeSpan? WithinTimeRange { get; }
}
