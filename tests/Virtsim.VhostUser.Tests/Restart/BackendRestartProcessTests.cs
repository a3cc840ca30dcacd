using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Virtsim.VhostUser.Backend;
using Virtsim.VhostUser.Frontend;
using Virtsim.VhostUser.Tests.Dpdk;
using Virtsim.VhostUser.Tests.Frontend;
using Virtsim.VhostUser.Tests.Harness;
using Xunit.Abstractions;

namespace Virtsim.VhostUser.Tests.Restart;

/// <summary>
/// A real <c>virtsim vhost-user serve --device blk</c> process killed with SIGKILL mid-traffic, twice per run at
/// seeded points (one in the write pass, one in the read-back), each time replaced by a new process on the same
/// socket and image. The in-process front-end (INFLIGHT_SHMFD, <c>Reconnect</c>) reconnects and finishes: every
/// request completes exactly once, the disk reads back verified, and the image file itself is the pattern.
/// With a slow disk (<c>--io-delay-ms</c>) the back-end is nearly always inside a request it took when it dies,
/// and its successor must resubmit it from the inflight region.
/// </summary>
[Collection(DpdkCollection.Name)] // process-heavy: run alone
public sealed class BackendRestartProcessTests(ITestOutputHelper output)
{
    private const int RequestSize = 16 * 1024;

    [Theory]
    [InlineData(1, 16, 0, false)]
    [InlineData(2, 16, 0, false)]
    [InlineData(3, 2, 3, false)]
    [InlineData(4, 2, 3, false)]
    [InlineData(5, 16, 0, true)]
    [InlineData(6, 2, 3, true)]
    public async Task A_killed_and_restarted_backend_loses_no_request_and_completes_none_twice(int seed, int imageMiB, int ioDelayMs, bool packed)
    {
        int imageBytes = imageMiB << 20;
        int n = imageBytes / RequestSize;
        string socket = DriveAgainstServeTests.SocketPath();
        string image = Path.Combine(Path.GetTempPath(), $"vs-restart-{Guid.NewGuid():N}.img");
        await using (var f = File.Create(image)) f.SetLength(imageBytes);
        // Retirement counts at which the back-end dies: one while writing, one while reading back (of 2n + 1).
        var random = new Random(seed);
        long[] killAt = [random.Next(n / 20, n * 3 / 4), random.Next(n + n / 10, 2 * n - n / 3)];
        // The back-end completes what it took in batches, and the driver retires a batch at once: killing a few
        // milliseconds after a retirement lands inside the next batch rather than in the gap between two.
        int[] killDelayMs = [random.Next(2, 6), random.Next(2, 6)];
        var reached = killAt.Select(_ => new ManualResetEventSlim()).ToArray();
        var serves = new List<ServeProcess>();
        string[] serveArgs = ["vhost-user", "serve", "--socket", socket, "--device", "blk", "--image", image, "--io-delay-ms", $"{ioDelayMs}"];
        try
        {
            serves.Add(ServeProcess.Start(serveArgs));
            Wait.ForSocket(socket, serves[0]);

            var options = new VhostUserDriveOptions
            {
                SocketPath = socket, Device = VhostUserDeviceKind.Blk, Packed = packed, QueueSize = 128, RequestSize = RequestSize, Seed = (ulong)seed,
                Timeout = TimeSpan.FromSeconds(20), Reconnect = true, ReconnectTimeout = TimeSpan.FromSeconds(60),
                Retired = n =>
                {
                    for (int i = 0; i < killAt.Length; i++) if (n == killAt[i]) reached[i].Set();
                },
            };
            var progress = new StringWriter();
            var drive = VhostUserDriver.RunAsync(options, TextWriter.Null, TextWriter.Synchronized(progress));
            int kills = 0;
            for (int i = 0; i < killAt.Length; i++)
            {
                // The driver keeps going while this thread kills: the back-end dies with requests in flight.
                if (!reached[i].Wait(TimeSpan.FromSeconds(90))) break; // the run ended early: its summary says why
                Thread.Sleep(killDelayMs[i]);
                serves[^1].KillHard();
                kills++;
                serves.Add(ServeProcess.Start(serveArgs));
            }
            var summary = await drive.WaitAsync(TimeSpan.FromSeconds(180));
            output.WriteLine($"kill points {string.Join(", ", killAt)} (+{string.Join(", +", killDelayMs)} ms)");
            output.WriteLine(summary.Json);
            output.WriteLine(progress.ToString());
            Assert.Null(summary.Error);
            Assert.Equal(killAt.Length, kills);
            var json = JsonDocument.Parse(summary.Json).RootElement;
            Assert.True(json.GetProperty("ok").GetBoolean());
            Assert.True(json.GetProperty("inflight").GetBoolean());
            Assert.Equal(packed, json.GetProperty("packed").GetBoolean());
            Assert.Equal(imageBytes, json.GetProperty("capacityBytes").GetInt64());
            Assert.Equal(imageBytes, json.GetProperty("verifiedBytes").GetInt64());
            Assert.Equal(imageBytes, json.GetProperty("bytesWritten").GetInt64());
            Assert.Equal(0, json.GetProperty("mismatches").GetInt64());
            Assert.Equal(0, json.GetProperty("failedRequests").GetInt64());
            Assert.Equal(0, json.GetProperty("duplicates").GetInt64());
            Assert.Equal(kills, json.GetProperty("reconnects").GetInt32());
            Assert.Equal(2 * n + 1, json.GetProperty("requests").GetInt64());

            Assert.True(serves[^1].Stop(), "the last serve did not stop on SIGTERM");
            foreach (var s in serves) output.WriteLine(s.Output);
            // "vhost-user: ring 0: N requests taken by the previous back-end resubmitted from the inflight region"
            int resubmitted = serves.Sum(s => Regex.Matches(s.Output, @"ring 0: (\d+) requests taken").Sum(m => int.Parse(m.Groups[1].Value)));
            output.WriteLine($"resubmitted by restarted back-ends: {resubmitted}");
            if (ioDelayMs > 0) Assert.True(resubmitted >= 1, "no restarted back-end had a request to resubmit");
            // What the driver was told is written is in the file, whichever process wrote it.
            byte[] content = await File.ReadAllBytesAsync(image);
            Assert.Equal(-1, DiskPattern.FirstMismatch(content, (ulong)seed, 0));
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), json.GetProperty("sha256").GetString());
        }
        finally
        {
            foreach (var s in serves)
            {
                if (!s.HasExited) output.WriteLine(s.Output);
                s.Dispose();
            }
            File.Delete(image);
            File.Delete(socket);
        }
    }

    [Fact]
    public void A_drive_process_that_hangs_up_mid_run_reconnects_to_the_same_serve_process()
    {
        string socket = DriveAgainstServeTests.SocketPath();
        string image = Path.Combine(Path.GetTempPath(), $"vs-restart-{Guid.NewGuid():N}.img");
        using (var f = File.Create(image)) f.SetLength(4 << 20);
        using var serve = ServeProcess.Start("vhost-user", "serve", "--socket", socket, "--device", "blk", "--image", image);
        try
        {
            Wait.ForSocket(socket, serve);
            using var drive = ServeProcess.Start("vhost-user", "drive", "--socket", socket, "--device", "blk", "--request-size", "16384",
                "--seed", "9", "--timeout", "20", "--disconnect-every", "50");
            Assert.True(drive.WaitForExit(120_000), "drive did not finish");
            output.WriteLine(drive.Output);
            Assert.Equal(0, drive.ExitCode);
            var json = JsonDocument.Parse(ServeProcess.LastJsonLine(drive.Output)).RootElement;
            Assert.True(json.GetProperty("ok").GetBoolean());
            int disconnects = json.GetProperty("disconnects").GetInt32();
            // How many hang-ups happen depends on how completions batch (timing): at least two prove the reconnect path
            // repeats; exactness is asserted below (every byte verified, no duplicate).
            Assert.True(disconnects >= 2, $"only {disconnects} disconnects over 513 requests");
            Assert.Equal(disconnects, json.GetProperty("reconnects").GetInt32());
            Assert.Equal(0, json.GetProperty("duplicates").GetInt64());
            Assert.Equal(4 << 20, json.GetProperty("verifiedBytes").GetInt64());

            Assert.True(serve.Stop(), "serve did not stop on SIGTERM");
            output.WriteLine(serve.Output);
            var served = JsonDocument.Parse(ServeProcess.LastJsonLine(serve.Output)).RootElement;
            Assert.Equal(disconnects + 1, served.GetProperty("connections").GetInt32());
            Assert.Equal(0, served.GetProperty("errors").GetArrayLength());
            byte[] content = File.ReadAllBytes(image);
            Assert.Equal(-1, DiskPattern.FirstMismatch(content, 9, 0));
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), json.GetProperty("sha256").GetString());
        }
        finally
        {
            File.Delete(image);
            File.Delete(socket);
        }
    }
}
