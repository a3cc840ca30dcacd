namespace Virtsim.Actors.Time;

/// <summary>A handle to a scheduled action that can be cancelled.</summary>
public interface ICancelable
{
    /// <summary>Prevents any further run of the action. Idempotent.</summary>
    void Cancel();

    /// <summary>True once <see cref="Cancel"/> was called.</summary>
    bool IsCancellationRequested { get; }
}
