using Virtsim.VhostUser.Native;

namespace Virtsim.TestSupport;

/// <summary>Signals to a process a test did not start itself (a real peer an experiment runner started).</summary>
public static class ProcessSignal
{
    /// <summary>SIGSTOP: the process stops running (a stalled peer) until SIGCONT or SIGKILL.</summary>
    public const int Stop = 19;

    /// <summary>Sends <paramref name="signal"/> to process <paramref name="pid"/>; false when kill(2) failed.</summary>
    public static bool Send(int pid, int signal) => LibC.kill(pid, signal) == 0;
}
