namespace Virtsim.Hosting.Persistence;

/// <summary>When SQLite flushes the write-ahead log to disk (<c>virtsim.persistence.sqlite.synchronous</c>).</summary>
public enum SqliteSynchronous
{
    /// <summary>At every commit: a confirmed write survives a crash of the process and a power cut.</summary>
    Full,

    /// <summary>
    /// At checkpoints only: a confirmed write survives a crash of the process, but the last commits before a power
    /// cut or an operating-system crash can be lost (the file stays consistent).
    /// </summary>
    Normal,
}
