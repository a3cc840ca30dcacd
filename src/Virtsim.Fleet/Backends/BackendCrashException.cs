namespace Virtsim.Fleet.Backends;

/// <summary>Thrown by a backend actor told to crash (fault injection); its supervisor restarts it.</summary>
public sealed class BackendCrashException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BackendCrashException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public BackendCrashException() : base("backend crashed") { }

    /// <summary>Creates the exception.</summary>
    public BackendCrashException(string message, Exception inner) : base(message, inner) { }
}
