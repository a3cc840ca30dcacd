namespace Virtsim.Fleet.Endpoints;

/// <summary>A device actor crashed on purpose (<see cref="Messages.Faults.CrashDevice"/>); carries when, for the recovery time.</summary>
public sealed class DeviceCrashException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DeviceCrashException(string message, TimeSpan crashedAt) : base(message) => CrashedAt = crashedAt;

    /// <summary>Creates the exception.</summary>
    public DeviceCrashException() : base("device crashed") { }

    /// <summary>Creates the exception.</summary>
    public DeviceCrashException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public DeviceCrashException(string message, Exception inner) : base(message, inner) { }

    /// <summary>The engine clock's elapsed time at the crash (virtual under simulation).</summary>
    public TimeSpan CrashedAt { get; }
}
