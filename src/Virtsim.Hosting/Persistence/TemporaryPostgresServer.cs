using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Virtsim.Hosting.Persistence;

/// <summary>
/// A throwaway PostgreSQL server: <c>initdb</c> in a temporary folder, started with <c>pg_ctl</c> on a free TCP port
/// of 127.0.0.1 with trust authentication, stopped and deleted on dispose (or when the process exits). What
/// <c>virtsim run --local-nodes N</c> starts when no store is configured, and what the tests and benchmarks use.
/// </summary>
/// <remarks>
/// Uses the Debian binaries under <c>/usr/lib/postgresql/VERSION/bin</c> (the newest version found), or the
/// folder in the <c>VIRTSIM_PG_BIN</c> environment variable. <c>initdb</c> refuses to run as root, so when the
/// process is root the server runs as the <c>postgres</c> OS user (through <c>runuser</c>) and the folder is
/// handed to it; otherwise it runs as the current user. Only the Debian package <c>postgresql</c> is needed (its
/// default cluster need not run).
/// </remarks>
public sealed class TemporaryPostgresServer : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string? _runAs;
    private bool _running;

    private TemporaryPostgresServer(string bin, string? runAs, string root, int port)
    {
        _bin = bin;
        _runAs = runAs;
        RootDirectory = root;
        Port = port;
    }

    /// <summary>The temporary folder (data directory, socket, log).</summary>
    public string RootDirectory { get; }

    /// <summary>The data directory.</summary>
    public string DataDirectory => Path.Combine(RootDirectory, "data");

    /// <summary>The server's TCP port on 127.0.0.1.</summary>
    public int Port { get; private set; }

    /// <summary>An Npgsql connection string for the <c>postgres</c> database as the <c>postgres</c> user.</summary>
    public string ConnectionString =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50;Timeout=30;Command Timeout=120";

    /// <summary>The folder with the PostgreSQL server binaries, or null when none is installed.</summary>
    public static string? FindBinDirectory()
    {
        string? fromEnv = Environment.GetEnvironmentVariable("VIRTSIM_PG_BIN");
        if (!string.IsNullOrEmpty(fromEnv) && File.Exists(Path.Combine(fromEnv, "initdb")))
        {
            return fromEnv;
        }

        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
        {
            return null;
        }

        return Directory.GetDirectories(root)
            .Select(d => (Dir: Path.Combine(d, "bin"), Version: double.TryParse(Path.GetFileName(d), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v) ? v : 0))
            .Where(x => File.Exists(Path.Combine(x.Dir, "initdb")) && File.Exists(Path.Combine(x.Dir, "pg_ctl")))
            .OrderByDescending(x => x.Version)
            .Select(x => x.Dir)
            .FirstOrDefault();
    }

    /// <summary>Creates and starts a new cluster with the binaries <see cref="FindBinDirectory"/> finds.</summary>
    /// <exception cref="InvalidOperationException">No PostgreSQL binaries, or the server did not start.</exception>
    public static Task<TemporaryPostgresServer> StartAsync(CancellationToken cancellationToken = default) =>
        StartAsync(FindBinDirectory(), cancellationToken);

    /// <summary>Creates and starts a new cluster with the binaries in <paramref name="binDirectory"/>.</summary>
    /// <exception cref="InvalidOperationException">No PostgreSQL binaries there, or the server did not start.</exception>
    public static async Task<TemporaryPostgresServer> StartAsync(string? binDirectory, CancellationToken cancellationToken = default)
    {
        if (binDirectory is null || !File.Exists(Path.Combine(binDirectory, "initdb")) || !File.Exists(Path.Combine(binDirectory, "pg_ctl")))
        {
            throw new InvalidOperationException(
                $"PostgreSQL server binaries not found (looked for {binDirectory ?? "/usr/lib/postgresql/*/bin"}/initdb and $VIRTSIM_PG_BIN). " +
                "Install the Debian package 'postgresql' (apt-get install postgresql), or set VIRTSIM_PG_BIN to the folder of initdb and pg_ctl.");
        }

        string bin = binDirectory;
        string? runAs = Environment.IsPrivilegedProcess ? "postgres" : null;
        string root = Path.Combine(Path.GetTempPath(), "virtsim-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        var cluster = new TemporaryPostgresServer(bin, runAs, root, 0);
        try
        {
            if (runAs is not null)
            {
                await RunAsync("chown", ["-R", runAs + ":", root], null, root, cancellationToken).ConfigureAwait(false);
            }

            await cluster.RunPgAsync("initdb", ["-D", cluster.DataDirectory, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"], cancellationToken).ConfigureAwait(false);
            await cluster.StartServerAsync(cancellationToken).ConfigureAwait(false);
            AppDomain.CurrentDomain.ProcessExit += cluster.OnProcessExit;
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Stops the server (with <paramref name="crash"/>, in immediate mode: no checkpoint, as after a power cut or
    /// a kill, so recovery replays the WAL) and starts it again on the same data.
    /// </summary>
    public async Task RestartAsync(bool crash, CancellationToken cancellationToken = default)
    {
        await StopServerAsync(crash ? "immediate" : "fast", cancellationToken).ConfigureAwait(false);
        await StartServerAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the server and deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        try
        {
            if (_running)
            {
                await StopServerAsync("immediate", CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // Best effort: the folder goes anyway.
        }

        try
        {
            Directory.Delete(RootDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    // A test host or benchmark that exits without disposing must not leave a server running.
    private void OnProcessExit(object? sender, EventArgs e) => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task StartServerAsync(CancellationToken ct)
    {
        Exception? last = null;
        for (int attempt = 0; attempt < 5; attempt++)
        {
            int port = Port != 0 && attempt == 0 ? Port : FreePort();
            try
            {
                await RunPgAsync("pg_ctl", [
                    "start", "-D", DataDirectory, "-l", Path.Combine(RootDirectory, "server.log"), "-w", "-t", "60",
                    "-o", $"-p {port} -k {RootDirectory} -c listen_addresses=127.0.0.1 -c max_connections=200",
                ], ct).ConfigureAwait(false);
                Port = port;
                _running = true;
                return;
            }
            catch (InvalidOperationException e)
            {
                last = e;
            }
        }

        string log = File.Exists(Path.Combine(RootDirectory, "server.log")) ? File.ReadAllText(Path.Combine(RootDirectory, "server.log")) : "";
        throw new InvalidOperationException($"PostgreSQL did not start in {RootDirectory}. Server log:\n{log}", last);
    }

    private async Task StopServerAsync(string mode, CancellationToken ct)
    {
        await RunPgAsync("pg_ctl", ["stop", "-D", DataDirectory, "-m", mode, "-w", "-t", "60"], ct).ConfigureAwait(false);
        _running = false;
    }

    private Task RunPgAsync(string tool, string[] args, CancellationToken ct) =>
        RunAsync(Path.Combine(_bin, tool), args, _runAs, RootDirectory, ct);

    private static async Task RunAsync(string file, string[] args, string? runAs, string workingDirectory, CancellationToken ct)
    {
        var psi = new ProcessStartInfo
        {
            FileName = runAs is null ? file : "runuser",
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (runAs is not null)
        {
            psi.ArgumentList.Add("-u");
            psi.ArgumentList.Add(runAs);
            psi.ArgumentList.Add("--");
            psi.ArgumentList.Add(file);
        }

        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using Process p = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {file}.");
        Task<string> stdout = p.StandardOutput.ReadToEndAsync(ct);
        Task<string> stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct).ConfigureAwait(false);
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"'{psi.FileName} {string.Join(' ', psi.ArgumentList)}' exited with {p.ExitCode}:\n{await stdout.ConfigureAwait(false)}\n{await stderr.ConfigureAwait(false)}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
