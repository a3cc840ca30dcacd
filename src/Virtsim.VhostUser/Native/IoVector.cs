using System.Runtime.InteropServices;

namespace Virtsim.VhostUser.Native;

/// <summary>struct iovec.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct IoVector
{
    public void* Base;
    public nuint Length;
}
