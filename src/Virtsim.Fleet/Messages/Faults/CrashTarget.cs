namespace Virtsim.Fleet.Messages.Faults;

/// <summary>What an <see cref="InjectCrash"/> crashes.</summary>
public enum CrashTarget : byte
{
    /// <summary>The device actor itself (<see cref="CrashDevice"/>).</summary>
    Device,

    /// <summary>The device's backend (<see cref="Backend.CrashBackend"/>).</summary>
    Backend,
}
