namespace Virtsim.Fleet.Drivers;

/// <summary>How a driver learns about used buffers.</summary>
public enum DriverMode : byte
{
    /// <summary>Kernel style: interrupts on, used rings read in the interrupt handler.</summary>
    Interrupt,
    /// <summary>Poll mode (DPDK style): queue interrupts suppressed, used rings polled on a timer; config interrupts still handled.</summary>
    Poll,
}
