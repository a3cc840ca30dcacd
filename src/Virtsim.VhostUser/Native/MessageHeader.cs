using System.Runtime.InteropServices;

namespace Virtsim.VhostUser.Native;

/// <summary>struct msghdr (64-bit Linux layout).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct MessageHeader
{
    public void* Name;
    public uint NameLength;
    public IoVector* Iov;
    public nuint IovLength;
    public void* Control;
    public nuint ControlLength;
    public int Flags;
}
