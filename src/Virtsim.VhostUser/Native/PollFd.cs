using System.Runtime.InteropServices;

namespace Virtsim.VhostUser.Native;

/// <summary>struct pollfd.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PollFd
{
    public int Fd;
    public short Events;
    public short Revents;
}
