using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Virtsim.Fleet.Tests.Cli;

/// <summary>
/// <c>virtsim run</c> in real time (Akka.Persistence.Sql) as a real process over a real SQLite file that another
/// connection locks mid-run (BEGIN EXCLUSIVE, as another process holding the file for longer than the busy timeout):
/// the run reports the store failure with the persistence id and exits with its own code, instead of reporting lost
/// requests.
/// </summary>
public class StoreLockProcessTests
{
    private static readonly string Virtsim = Path.Combine(AppContext.BaseDirectory, "virtsim.dll");

    // Long enough (tens of thousands of journaled writes) that it is still writing when the lock comes.
    private const string Scenario = """
        scenario { name = store-lock, seed = 1, max-virtual-time = 60s, persistence = true }
        defaults { blk { requests = 20000, block-size = 4096, queue-depth = 32, disk-sectors = 65536, queue-size = 128, write-cache = false } }
        hosts = [ { name = h, vms = [ { name = vm, devices = [
          { name = blk0, type = blk, vendor = qemu-emu }
          { name = blk1, type = blk, vendor = swift-vhost, transport = mmio }
        ] } ] } ]
        """;

    [Fact]
    public async Task A_store_locked_by_another_connection_mid_run_ends_the_run_as_a_store_failure()
    {
        string folder = Path.Combine(Path.GetTempPath(), "virtsim-lock-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        string db = Path.Combine(folder, "run.db");
        string scenario = Path.Combine(folder, "store-lock.conf");
        string cluster = Path.Combine(folder, "cluster.conf");
        File.WriteAllText(scenario, Scenario);
        File.WriteAllText(cluster, $$"""
            virtsim.actors.dispatcher.type = threaded
            virtsim.persistence { plugin = sqlite, sqlite { path = "{{db.Replace("\\", "/", StringComparison.Ordinal)}}", busy-timeout = 1s } }
            """);
        var stderr = new StringBuilder();
        var storeOpen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Virtsim, "run", scenario, "--json", "--cluster", cluster }) info.ArgumentList.Add(a);
        using var process = new Process { StartInfo = info };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (stderr) stderr.AppendLine(e.Data);
            if (e.Data.StartsWith("persistence: ", StringComparison.Ordinal)) storeOpen.TrySetResult(); // opened, the run starts now
        };
        try
        {
            process.Start();
            process.BeginErrorReadLine();
            var stdout = process.StandardOutput.ReadToEndAsync();
            Assert.True(await Within(storeOpen.Task, TimeSpan.FromSeconds(120)), $"the run never opened its store: {Text(stderr)}");

            using var locker = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, DefaultTimeout = 0 }.ToString());
            locker.Open();
            TakeWriteLock(locker, TimeSpan.FromSeconds(120));
            try
            {
                Assert.True(await Within(process.WaitForExitAsync(), TimeSpan.FromSeconds(180)), $"the run did not stop: {Text(stderr)}");
            }
            finally
            {
                Execute(locker, "ROLLBACK;");
            }
            string output = await stdout;
            process.WaitForExit(); // the end of the redirected stderr
            string error = Text(stderr);
            Assert.True(process.ExitCode == 4, $"exit {process.ExitCode}: {error}");
            Assert.Contains("error: the persistence store failed: run/store-lock/1/", error);
            Assert.Contains("database is locked", error);
            Assert.DoesNotContain("did not pass its checks", error);

            var summary = JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement;
            Assert.Equal("store-failed", summary.GetProperty("outcome").GetString());
            var failure = summary.GetProperty("storeFailures")[0];
            Assert.StartsWith("run/store-lock/1/", failure.GetProperty("persistenceId").GetString());
            Assert.Contains("database is locked", failure.GetProperty("error").GetString());
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    // BEGIN EXCLUSIVE as soon as the run's writer lets go of the file between two of its transactions: retried at once
    // (no busy wait of SQLite's own, whose growing sleeps would keep missing the short gaps) until the deadline.
    private static void TakeWriteLock(SqliteConnection connection, TimeSpan within)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                Execute(connection, "BEGIN EXCLUSIVE;");
                return;
            }
            catch (SqliteException e) when (e.SqliteErrorCode == 5 && deadline.Elapsed < within)
            {
                Thread.Yield();
            }
        }
    }

    private static async Task<bool> Within(Task task, TimeSpan limit) => await Task.WhenAny(task, Task.Delay(limit)) == task;

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 0;
        command.ExecuteNonQuery();
    }

    private static string Text(StringBuilder b)
    {
        lock (b) return b.ToString();
    }
}
