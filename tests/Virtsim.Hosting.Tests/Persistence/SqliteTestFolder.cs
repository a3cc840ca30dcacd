using Microsoft.Data.Sqlite;

namespace Virtsim.Hosting.Tests.Persistence;

/// <summary>A temporary folder for one test's SQLite database, deleted on dispose.</summary>
public sealed class SqliteTestFolder : IDisposable
{
    /// <summary>Creates the folder.</summary>
    public SqliteTestFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "virtsim-hosting-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    /// <summary>The folder.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a pool being torn down: a temporary folder is left behind, nothing else.
        }
    }
}
