namespace Virtsim.Actors.Supervision;

/// <summary>What a supervisor does with a child that failed.</summary>
public enum Directive
{
    /// <summary>Keep the child's state and go on with its next message (the failing message is dropped).</summary>
    Resume,

    /// <summary>Replace the child's instance with a fresh one (PreRestart, new instance, PostRestart).</summary>
    Restart,

    /// <summary>Stop the child.</summary>
    Stop,

    /// <summary>Fail the supervisor itself with the same exception, so its own supervisor decides.</summary>
    Escalate,
}
