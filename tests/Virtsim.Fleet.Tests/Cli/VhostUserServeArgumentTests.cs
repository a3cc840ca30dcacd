using System.Globalization;
using FsCheck;
using FsCheck.Fluent;

namespace Virtsim.Fleet.Tests.Cli;

/// <summary>
/// Every bad <c>virtsim vhost-user serve</c> argument is a clear message on stderr and exit 2, never a stack trace
/// (run in-process; a serve that wrongly accepts its arguments fails the test after a timeout instead of serving).
/// </summary>
public class VhostUserServeArgumentTests
{
    /// <summary>A socket path whose directory does not exist: serve refuses it, so a valid rest never starts serving.</summary>
    private static readonly string Unreachable = $"/nonexistent-{Guid.NewGuid():N}/s.sock";

    private static readonly string Free = Path.Combine(Path.GetTempPath(), $"virtsim-args-{Guid.NewGuid():N}.sock");

    public static TheoryData<string[], string> BadArguments() => new()
    {
        { ["--io-delay-ms", "NaN", "--device", "blk"], "--io-delay-ms takes a number of milliseconds (got 'NaN')" },
        { ["--io-delay-ms", "Infinity", "--device", "blk"], "--io-delay-ms takes a number of milliseconds" },
        { ["--io-delay-ms", "-1", "--device", "blk"], "the io delay must be 0..60000 ms (got -1 ms)" },
        { ["--io-delay-ms", "60001", "--device", "blk"], "the io delay must be 0..60000 ms" },
        { ["--io-delay-ms", "5"], "an io delay applies to blk only" },
        { ["--queues", "100000"], "queue pairs must be 1..128 for net (got 100000)" },
        { ["--queues", "129"], "queue pairs must be 1..128 for net" },
        { ["--queues", "0"], "queue pairs must be 1..128 for net (got 0)" },
        { ["--queues", "65", "--device", "blk"], "request queues must be 1..64 for blk (got 65)" },
        { ["--queues", "99999999999"], "--queues" },
        { ["--device", "7"], "unknown device 7" },
        { ["--device", "scsi"], "--device" },
        { ["--image", "", "--device", "blk"], "the image path is empty" },
        { ["--image", "/tmp", "--device", "blk"], "the image /tmp is a directory" },
        { ["--image", "/nonexistent-dir/disk.img", "--device", "blk"], "the image's directory /nonexistent-dir does not exist" },
        { ["--image", "disk.img"], "an image applies to blk only" },
        { ["--loopback", "--device", "blk"], "loopback applies to net only" },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public void A_bad_option_value_exits_2_with_the_reason(string[] args, string reason)
    {
        var (code, stderr) = InProcessCli.Run(["vhost-user", "serve", "--socket", Free, .. args]);
        Assert.Equal(2, code);
        Assert.Contains(reason, stderr);
        Assert.DoesNotContain("   at ", stderr);
        Assert.False(File.Exists(Free), "serve created its socket although an argument was bad");
    }

    [Theory]
    [InlineData("", "the socket path is empty")]
    [InlineData("/nonexistent-dir/s.sock", "the socket's directory /nonexistent-dir does not exist")]
    [InlineData("/tmp/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.sock", "is 112 bytes long; a unix socket path has at most 107")]
    public void A_bad_socket_path_exits_2_with_the_reason(string socket, string reason)
    {
        var (code, stderr) = InProcessCli.Run("vhost-user", "serve", "--socket", socket);
        Assert.Equal(2, code);
        Assert.Contains(reason, stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void A_socket_path_of_107_bytes_is_accepted_as_far_as_its_length_goes()
    {
        string socket = "/nonexistent-dir/" + new string('a', 107 - "/nonexistent-dir/".Length);
        var (code, stderr) = InProcessCli.Run("vhost-user", "serve", "--socket", socket);
        Assert.Equal(2, code);
        Assert.Contains("the socket's directory /nonexistent-dir does not exist", stderr);
    }

    [Fact]
    public void Help_states_the_queue_limits()
    {
        var stdout = new StringWriter();
        Assert.Equal(0, Virtsim.Cli.CliApp.Run(["vhost-user", "serve", "--help"], stdout, TextWriter.Null, false));
        Assert.Contains("net, 1..128", stdout.ToString());
        Assert.Contains("blk, 1..64", stdout.ToString());
    }

    [Fact]
    public void Any_number_given_as_io_delay_is_served_or_refused_with_its_reason()
    {
        // Every double (NaN, infinities, negative zero, huge, tiny) as text: out of 0..60000 the reason names the io
        // delay (a value no duration holds is a parse error quoting the text); in range, the only complaint left is
        // the unreachable socket directory (checked after the values).
        var numbers = Gen.OneOf(ArbMap.Default.GeneratorFor<double>(), Gen.Choose(-100, 70_000).Select(i => (double)i),
            Gen.Elements(double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, 60_000, 60_000.0001, double.Epsilon));
        Prop.ForAll(numbers.ToArbitrary(), value =>
        {
            string text = value.ToString("R", CultureInfo.InvariantCulture);
            var (code, stderr) = InProcessCli.Run("vhost-user", "serve", "--socket", Unreachable, "--device", "blk", "--io-delay-ms", text);
            bool valid = value is >= 0 and <= 60_000;
            bool namesTheDelay = stderr.Contains("the io delay must be 0..60000 ms") || stderr.Contains("--io-delay-ms takes a number of milliseconds");
            return code == 2 && !stderr.Contains("   at ")
                   && namesTheDelay == !valid
                   && (double.IsFinite(value) || stderr.Contains($"(got '{text}')"))
                   && stderr.Contains("socket's directory") == valid;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(200));
    }

    [Fact]
    public void Any_queue_count_is_served_or_refused_with_its_reason()
    {
        var counts = Gen.OneOf(ArbMap.Default.GeneratorFor<int>(), Gen.Choose(-3, 200));
        Prop.ForAll(counts.ToArbitrary(), Gen.Elements("net", "blk").ToArbitrary(), (queues, device) =>
        {
            var (code, stderr) = InProcessCli.Run("vhost-user", "serve", "--socket", Unreachable, "--device", device,
                "--queues", queues.ToString(CultureInfo.InvariantCulture));
            int max = device == "net" ? 128 : 64;
            bool valid = queues >= 1 && queues <= max;
            return code == 2 && !stderr.Contains("   at ")
                   && stderr.Contains($"must be 1..{max} for {device} (got {queues})") == !valid
                   && stderr.Contains("socket's directory") == valid;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(200));
    }
}
