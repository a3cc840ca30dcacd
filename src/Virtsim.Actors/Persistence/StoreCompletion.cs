using Virtsim.Actors.Dispatch;
using Virtsim.Actors.Hosting;

namespace Virtsim.Actors.Persistence;

/// <summary>
/// Brings a store call's completion back to its actor as a message. Under the simulation the call is completed in
/// line on the simulation's thread (memory and SQLite stores finish synchronously; any other is waited for), and the
/// reply is sent from that thread, optionally after a virtual latency, so a run replays bit-for-bit from its seed
/// whatever the store. Under threads no pool thread ever blocks: a pending call's continuation posts the reply.
/// </summary>
internal static class StoreCompletion
{
    /// <summary>
    /// Starts a store call; a store that refuses synchronously (validation, fencing) gives a faulted task instead, so
    /// every outcome reaches the actor the same way. A call with a result returns its own <see cref="Task{T}"/>; the
    /// faulted stand-in is a plain <see cref="Task"/>, so readers check <see cref="Task.Exception"/> before casting.
    /// </summary>
    public static Task Start<TState>(TState state, Func<TState, Task> call)
    {
        try
        {
            return call(state);
        }
        catch (Exception ex)
        {
            return Task.FromException(ex);
        }
    }

    public static void Deliver(ActorSystem system, StoreReply reply, TimeSpan simulatedLatency)
    {
        if (system.Dispatcher is SimulationDispatcher simulation)
        {
            WaitQuietly(reply.Task);
            if (simulatedLatency > TimeSpan.Zero) simulation.ScheduleTellOnce(simulatedLatency, reply.Self, reply, reply.Sender);
            else reply.Self.Tell(reply, reply.Sender);
            return;
        }
        if (reply.Task.IsCompleted)
        {
            reply.Self.Tell(reply, reply.Sender);
            return;
        }
        reply.Task.ContinueWith(
            static (_, state) =>
            {
                var r = (StoreReply)state!;
                r.Self.Tell(r, r.Sender);
            },
            reply, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private static void WaitQuietly(Task task)
    {
        if (task.IsCompleted) return;
        try
        {
            task.Wait();
        }
        catch (AggregateException)
        {
            // The actor reads the outcome from the task itself.
        }
    }
}
