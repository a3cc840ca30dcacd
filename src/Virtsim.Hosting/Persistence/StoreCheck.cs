using Akka.Actor;
using Akka.Persistence;

namespace Virtsim.Hosting.Persistence;

/// <summary>
/// Proves, once an actor system is up, that its journal and snapshot store answer: a throwaway persistent actor
/// recovers (a snapshot load and an event replay, which is also when Akka.Persistence.Sql creates its tables). Until
/// that works a node must not start its world: the plug-ins would otherwise retry their initialisation for ever
/// while every persistent actor waits.
/// </summary>
public static class StoreCheck
{
    /// <summary>Recovers a probe actor in <paramref name="system"/>; throws when the store does not answer in time or fails.</summary>
    /// <exception cref="PersistenceStoreException">The store failed the probe's recovery, or did not answer within <paramref name="timeout"/>.</exception>
    public static async Task VerifyAsync(ActorSystem system, PersistencePlugin plugin, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(system);
        var recovered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var probe = system.ActorOf(Props.Create(() => new Probe($"virtsim/store-check/{Guid.NewGuid():N}", recovered)));
        try
        {
            await recovered.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new PersistenceStoreException(plugin, $"the journal and snapshot store did not answer within {timeout.TotalSeconds:0} s " +
                                                        "(is the database locked by another process, or are its tables not creatable?)", e);
        }
        catch (Exception e) when (e is not PersistenceStoreException)
        {
            throw new PersistenceStoreException(plugin, $"the journal failed a first recovery: {e.GetBaseException().Message}", e);
        }
        finally
        {
            system.Stop(probe);
        }
    }

    // Real time only (hosting): the outcome leaves through a task, which a simulated system would refuse.
    private sealed class Probe : ReceivePersistentActor
    {
        private readonly TaskCompletionSource _recovered;

        public Probe(string persistenceId, TaskCompletionSource recovered)
        {
            PersistenceId = persistenceId;
            _recovered = recovered;
            Recover<RecoveryCompleted>(_ => _recovered.TrySetResult());
        }

        public override string PersistenceId { get; }

        protected override void OnRecoveryFailure(Exception reason, object? message = null)
        {
            _recovered.TrySetException(reason);
            base.OnRecoveryFailure(reason, message);
        }
    }
}
