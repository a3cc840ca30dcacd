using Akka.Actor;

namespace Virtsim.Fleet.World;

/// <summary>
/// <see cref="Props"/> from a plain delegate. <c>Props.Create(() =&gt; new T(...))</c> compiles its expression tree
/// (and every argument) each time it is called: building a world of 20,000 devices spent a third of its CPU time in
/// the expression compiler. A delegate costs nothing to make; its captured values are read when the actor is
/// created (and again at each restart), so capture only values that do not change.
/// </summary>
public static class ActorFactory
{
    /// <summary>Props that create actors of type <typeparamref name="T"/> by calling <paramref name="create"/>.</summary>
    public static Props Of<T>(Func<T> create) where T : ActorBase => Props.CreateBy(new Producer<T>(create ?? throw new ArgumentNullException(nameof(create))));

    private sealed class Producer<T>(Func<T> create) : IIndirectActorProducer where T : ActorBase
    {
        public Type ActorType => typeof(T);

        public ActorBase Produce() => create();

        public void Release(ActorBase actor) { }
    }
}
