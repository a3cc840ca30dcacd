using System.Diagnostics;
using Virtsim.Experiments.Peers;
using Virtsim.VhostUser.Backend;
using Virtsim.VhostUser.Protocol;
using Virtsim.Virtio.Status;

namespace Virtsim.Experiments.Conformance;

/// <summary>
/// Runs one driver-side case against a device: a fresh device, a hostile driver that sets it up and checks it works
/// (baseline), fresh rings, the violation, a window in which the device is watched (hang-up, process death, the
/// chain's completion), DEVICE_NEEDS_RESET asked with GET_STATUS, then a follow-up on fresh rings (a sane request
/// whose data is checked). The verdict follows from what was seen, in that order.
/// </summary>
internal static class DriverCaseRunner
{
    public static CaseResult Run(ConformanceCase c, ConformancePeer peer, Func<VhostUserDeviceKind, IDevicePeer> start, ConformanceOptions options)
    {
        var clock = Stopwatch.StartNew();
        var kind = c.DeviceFor(peer);
        IDevicePeer device;
        try { device = start(kind); }
        catch (InvalidOperationException e) { return new CaseResult(c, peer, Verdict.Error, e.Message, [], clock.Elapsed); }
        using (device)
        {
            var (verdict, reason) = Judge(c, kind, device, options);
            // A peer that died after it answered still crashed.
            if (verdict is not (Verdict.Crashed or null) && WaitDied(device, TimeSpan.FromMilliseconds(50), out string how))
                (verdict, reason) = (Verdict.Crashed, $"{how} ({reason})");
            return new CaseResult(c, peer, verdict, reason, device.Tail(options.OutputLines), clock.Elapsed);
        }
    }

    private static (Verdict?, string) Judge(ConformanceCase c, VhostUserDeviceKind kind, IDevicePeer device, ConformanceOptions options)
    {
        HostileDriver driver;
        try { driver = HostileDriver.Connect(device.Socket, kind, c.RunFormat, c.Setup, options.ReplyTimeout); }
        catch (NotApplicableException e) { return (null, e.Message); }
        catch (Exception e) when (e is VhostUserProtocolException or IOException)
        {
            return (Verdict.Error, "setup failed: " + e.Message);
        }
        using (driver)
        {
            try
            {
                if (driver.Exchange(options.ExchangeTimeout) is { } baseline) return (Verdict.Error, "baseline failed: " + baseline);
                driver.Arm();
            }
            catch (VhostUserProtocolException e) { return (Verdict.Error, "baseline failed: " + e.Message); }
            try { c.Inject!(driver); }
            catch (NotApplicableException e) { return (null, e.Message); }
            catch (VhostUserProtocolException e) when (!IsTimeout(e)) { return Closed(device, "refused the violating request: " + e.Message); }
            catch (VhostUserProtocolException e)
            {
                return WaitDied(device, TimeSpan.FromMilliseconds(200), out string how) ? (Verdict.Crashed, how) : (Verdict.Wedged, "stopped answering: " + e.Message);
            }
            return Observe(c, driver, device, options);
        }
    }

    private static (Verdict?, string) Observe(ConformanceCase c, HostileDriver driver, IDevicePeer device, ConformanceOptions options)
    {
        var window = Stopwatch.StartNew();
        bool used = false;
        uint length = 0;
        while (window.Elapsed < options.Window)
        {
            if (device.Died(out string how)) return (Verdict.Crashed, how);
            try { driver.CheckConnection(); }
            catch (VhostUserProtocolException e) { return Closed(device, "closed the connection: " + e.Message); }
            if (!used && driver.FirstChainUsed(out length))
            {
                used = true;
                if (driver.Device == VhostUserDeviceKind.Blk) break;
            }
            Thread.Sleep(10);
        }
        try
        {
            if (driver.DeviceStatusNow() is { } status && (status & DeviceStatus.DeviceNeedsReset) != 0)
                return (Verdict.Rejected, $"set DEVICE_NEEDS_RESET (status 0x{(byte)status:x2})");
        }
        catch (VhostUserProtocolException e) when (!IsTimeout(e)) { return Closed(device, "closed the connection: " + e.Message); }
        catch (VhostUserProtocolException e) { return (Verdict.Wedged, "stopped answering GET_STATUS: " + e.Message); }
        if (used && driver.Device == VhostUserDeviceKind.Blk && driver.Status() is 1 or 2)
            return (Verdict.Rejected, $"completed the request with status {(driver.Status() == 1 ? "IOERR" : "UNSUPP")}");
        string seen = used
            ? $"used the chain (length {length}{(driver.Device == VhostUserDeviceKind.Blk ? $", status {driver.Status()}" : "")})"
            : $"did not use the chain within {options.Window.TotalMilliseconds:0} ms";
        try
        {
            driver.Arm();
            if (driver.Exchange(options.ExchangeTimeout) is not { } failure) return (Verdict.Tolerated, seen + "; the follow-up request on fresh rings was served with the right data");
            if (WaitDied(device, TimeSpan.FromMilliseconds(200), out string how)) return (Verdict.Crashed, how);
            return (Verdict.Wedged, seen + "; the follow-up failed: " + failure);
        }
        catch (VhostUserProtocolException e)
        {
            if (WaitDied(device, TimeSpan.FromMilliseconds(200), out string how)) return (Verdict.Crashed, how);
            return !IsTimeout(e)
                ? (Verdict.Rejected, seen + "; closed the connection at the follow-up: " + e.Message)
                : (Verdict.Wedged, seen + "; the follow-up failed: " + e.Message);
        }
    }

    // FrontendChannel's words for a reply that never came.
    private static bool IsTimeout(VhostUserProtocolException e) => !e.ConnectionLost && e.Message.Contains("no reply within", StringComparison.Ordinal);

    private static (Verdict?, string) Closed(IDevicePeer device, string reason) =>
        WaitDied(device, TimeSpan.FromMilliseconds(200), out string how) ? (Verdict.Crashed, how) : (Verdict.Rejected, reason);

    // A process whose socket closed may need a moment to be reaped.
    private static bool WaitDied(IDevicePeer device, TimeSpan wait, out string how)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (device.Died(out how)) return true;
            if (clock.Elapsed >= wait) return false;
            Thread.Sleep(10);
        }
    }
}
