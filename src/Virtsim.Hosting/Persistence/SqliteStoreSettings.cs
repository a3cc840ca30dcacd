namespace Virtsim.Hosting.Persistence;

/// <summary>The <c>virtsim.persistence.sqlite</c> section: where the database file is and how it is flushed.</summary>
public sealed record SqliteStoreSettings
{
    /// <summary>The database file as written in the configuration (a relative path is taken from the working directory).</summary>
    public required string Path { get; init; }

    /// <summary>When the write-ahead log is flushed to disk.</summary>
    public required SqliteSynchronous Synchronous { get; init; }

    /// <summary>How long a write waits for another connection's lock before the store call fails.</summary>
    public required TimeSpan BusyTimeout { get; init; }

    /// <summary>The database file as an absolute path.</summary>
    public string FullPath => System.IO.Path.GetFullPath(Path);
}
