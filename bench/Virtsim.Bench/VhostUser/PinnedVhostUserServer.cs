using System.Runtime.InteropServices;
using Virtsim.VhostUser.Backend;
using Virtsim.VhostUser.Transport;

namespace Virtsim.Bench.VhostUser;

/// <summary>
/// Virtsim's net back-end served in this process on one thread pinned to a CPU (the one DPDK's back-end forwards
/// on in the other half of a pair), one connection at a time, until disposed. Frames are counted by the device.
/// </summary>
internal sealed partial class PinnedVhostUserServer : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly UnixSocketListener _listener;
    private readonly Thread _thread;
    private readonly TimeSpan? _pollingBudget;
    private volatile bool _connected;

    public PinnedVhostUserServer(string socket, int cpu, TimeSpan? pollingBudget)
    {
        _pollingBudget = pollingBudget;
        Net = new NetBackend();
        _listener = UnixSocketListener.Listen(socket);
        _thread = new Thread(() => Serve(cpu)) { IsBackground = true, Name = "vhost-user bench back-end" };
        _thread.Start();
    }

    /// <summary>The device (read <see cref="NetBackend.FramesFromDriver"/> from any thread: a 64-bit counter).</summary>
    public NetBackend Net { get; }

    /// <summary>True once a front-end connected.</summary>
    public bool Connected => _connected;

    /// <summary>Bytes this thread allocated so far (read after the run, or racily while it runs).</summary>
    public long Allocated => Volatile.Read(ref _allocated);

    private long _allocated;

    /// <summary>False when pinning failed (the figures are then less comparable).</summary>
    public bool Pinned { get; private set; } = true;

    private void Serve(int cpu)
    {
        ulong mask = 1UL << cpu;
        if (sched_setaffinity(0, sizeof(ulong), ref mask) != 0) Pinned = false;
        while (!_cts.IsCancellationRequested)
        {
            using var connection = _listener.Accept(50);
            if (connection == null) continue;
            _connected = true;
            using var session = _pollingBudget is { } budget ? new VhostUserSession(Net) { PollingBudget = budget } : new VhostUserSession(Net);
            long before = GC.GetAllocatedBytesForCurrentThread();
            session.Run(connection, _cts.Token);
            Interlocked.Add(ref _allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    public void Dispose()
    {
        _cts.Cancel();
        _thread.Join(5000);
        _listener.Dispose();
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int sched_setaffinity(int pid, nuint size, ref ulong mask);
}
