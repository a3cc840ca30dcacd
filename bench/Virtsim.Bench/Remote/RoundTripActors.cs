using System.Diagnostics;
using Akka.Actor;
using Virtsim.Fleet.Messages.Dma;
using Virtsim.Fleet.Messages.Doorbell;
using Virtsim.Fleet.Messages.Interrupt;

namespace Virtsim.Bench.Remote;

/// <summary>
/// The peer's side of a round trip, as the host and the device answer across nodes: a <see cref="DmaRead"/> gets a
/// <see cref="DmaCompleted"/> carrying the bytes asked for (copied from a memory buffer, as the host's IOMMU read
/// does), a <see cref="DoorbellMessage"/> an MSI-X <see cref="InterruptMessage"/> for its queue, a <c>long</c> itself.
/// </summary>
public sealed class RoundTripEcho : ReceiveActor
{
    private static readonly byte[] Memory = MakeMemory();

    /// <summary>Answers each kind of message.</summary>
    public RoundTripEcho()
    {
        Receive<DmaRead>(read =>
        {
            var data = new byte[read.Length];
            Memory.AsSpan(0, (int)read.Length).CopyTo(data);
            Sender.Tell(new DmaCompleted(read.Tag, data));
        });
        Receive<DoorbellMessage>(doorbell => Sender.Tell(new InterruptMessage(InterruptKind.Msix, doorbell.Queue, doorbell.NotificationData)));
        Receive<long>(ping => Sender.Tell(ping));
    }

    private static byte[] MakeMemory()
    {
        var memory = new byte[DmaRead.MaxLength];
        new Random(1).NextBytes(memory);
        return memory;
    }
}

/// <summary>What one message kind sends and what its answer must be.</summary>
/// <param name="Name">Its name in the table.</param>
/// <param name="Request">The request numbered n.</param>
/// <param name="IsAnswer">True when the reply answers request n.</param>
public sealed record RoundTripKind(string Name, Func<long, object> Request, Func<object, long, bool> IsAnswer)
{
    /// <summary>A <see cref="DmaRead"/> of <paramref name="length"/> bytes answered by a <see cref="DmaCompleted"/>.</summary>
    public static RoundTripKind Dma(string name, uint length) => new(name,
        n => new DmaRead((ulong)n, 1, 0x10000 + (ulong)(n % 256) * 4096, length),
        (reply, n) => reply is DmaCompleted c && c.Tag == (ulong)n && c.Data.Length == length);

    /// <summary>A <see cref="DoorbellMessage"/> answered by an <see cref="InterruptMessage"/>.</summary>
    public static RoundTripKind Doorbell(string name) => new(name,
        n => new DoorbellMessage((ushort)(n & 1), (uint)n, HasNotificationData: true),
        (reply, n) => reply is InterruptMessage i && i.Vector == (ushort)(n & 1) && i.Data == (uint)n);

    /// <summary>A <c>long</c> echoed (Akka.Remote's primitive serializer).</summary>
    public static RoundTripKind Ping(string name) => new(name, n => n, (reply, n) => reply is long l && l == n);
}

/// <summary>
/// Sends requests to an echo with <c>window</c> of them in flight for <c>duration</c>, checking each answer (Akka keeps
/// the order between two actors, so answers come in request order); then reports the round trips completed.
/// </summary>
public sealed class RoundTripPinger : ReceiveActor
{
    private readonly IActorRef _echo;
    private readonly RoundTripKind _kind;
    private readonly TimeSpan _duration;
    private readonly TaskCompletionSource<(long RoundTrips, TimeSpan Elapsed)> _done;
    private readonly Stopwatch _clock = new();
    private long _sent;
    private long _answered;

    /// <summary>Starts at once.</summary>
    public RoundTripPinger(IActorRef echo, RoundTripKind kind, int window, TimeSpan duration, TaskCompletionSource<(long, TimeSpan)> done)
    {
        _echo = echo;
        _kind = kind;
        _duration = duration;
        _done = done;
        ReceiveAny(OnAnswer);
        _clock.Start();
        for (int i = 0; i < window; i++) Send();
    }

    private void Send() => _echo.Tell(_kind.Request(_sent++), Self);

    private void OnAnswer(object reply)
    {
        if (!_kind.IsAnswer(reply, _answered))
        {
            _done.TrySetException(new InvalidOperationException($"{_kind.Name}: answer {_answered} was {reply}"));
            Context.Stop(Self);
            return;
        }
        _answered++;
        if (_clock.Elapsed < _duration) Send();
        else if (_answered == _sent)
        {
            _done.TrySetResult((_answered, _clock.Elapsed));
            Context.Stop(Self);
        }
    }
}
