namespace TcpActors.Runtime.TestKit;

/// <summary>
/// An actor that records every message it receives, for assertions (Akka.NET's <c>TestProbe</c>).
/// Expectations drive the system's virtual time: <see cref="ExpectMsg{T}(Func{T, bool}?, TimeSpan?)"/>
/// delivers events until a message arrives or the virtual deadline passes; nothing waits on the
/// wall clock.
/// </summary>
public sealed class TestProbe : Actor, IReceiveAny
{
    private readonly TestKit _kit;
    private readonly Queue<ReceivedMessage> _received = new();

    internal TestProbe(TestKit kit, string name)
    {
        _kit = kit;
        Name = name;
    }

    /// <summary>The probe's name, for failure messages.</summary>
    public string Name { get; }

    /// <summary>A reference to the probe, to pass to the actors under test.</summary>
    public ActorRef Ref => Self;

    /// <summary>Sender of the last message taken by an expectation.</summary>
    public ActorRef LastSender { get; private set; }

    /// <summary>Messages received and not yet taken by an expectation.</summary>
    public int PendingCount => _received.Count;

    void IReceiveAny.Receive<TMessage>(TMessage message) =>
        _received.Enqueue(new ReceivedMessage(message, Sender, Now));

    /// <summary>Sends <paramref name="message"/> to <paramref name="target"/> with this probe as sender.</summary>
    public void Send<T>(ActorRef target, T message) => target.Tell(message, Self);

    /// <summary>Replies to <see cref="LastSender"/>.</summary>
    public void Reply<T>(T message) => LastSender.Tell(message, Self);

    /// <summary>Expects the next message to be a <typeparamref name="T"/> (matching
    /// <paramref name="predicate"/> if given) within <paramref name="max"/> of virtual time
    /// (default: what remains of the enclosing <see cref="TestKit.Within(TimeSpan, Action)"/>, or
    /// <see cref="TestKit.DefaultTimeout"/>). Returns it.</summary>
    public T ExpectMsg<T>(Func<T, bool>? predicate = null, TimeSpan? max = null)
    {
        TimeSpan wait = max ?? _kit.RemainingOrDefault;
        ReceivedMessage received = ReceiveOne(wait)
            ?? throw new TestKitException($"{Name}: timeout ({wait}) waiting for {typeof(T).Name} at {Now}.");
        if (received.Message is not T typed)
        {
            throw new TestKitException($"{Name}: expected {typeof(T).Name} but got {Describe(received)}.");
        }
        if (predicate is not null && !predicate(typed))
        {
            throw new TestKitException($"{Name}: {Describe(received)} does not match the expectation.");
        }
        return typed;
    }

    /// <summary>Expects the next message to equal <paramref name="expected"/>.</summary>
    public T ExpectMsg<T>(T expected, TimeSpan? max = null)
    {
        T actual = ExpectMsg<T>(null, max);
        if (!EqualityComparer<T>.Default.Equals(actual, expected))
        {
            throw new TestKitException($"{Name}: expected {expected} but got {actual}.");
        }
        return actual;
    }

    /// <summary>Expects no message during the next <paramref name="duration"/> of virtual time,
    /// which is run through.</summary>
    public void ExpectNoMsg(TimeSpan duration)
    {
        TimeSpan deadline = Now + duration;
        if (_received.Count == 0) _kit.Sys.RunUntil(deadline);
        if (_received.TryPeek(out ReceivedMessage unexpected))
        {
            throw new TestKitException($"{Name}: expected no message for {duration} but got {Describe(unexpected)}.");
        }
    }

    /// <summary>Takes the next message of any type within <paramref name="max"/>, or null on timeout
    /// (virtual time has then advanced to the deadline).</summary>
    public ReceivedMessage? ReceiveOne(TimeSpan max)
    {
        TimeSpan deadline = Now + max;
        ActorSystem sys = _kit.Sys;
        while (_received.Count == 0)
        {
            TimeSpan? next = sys.NextEventTime;
            if (next is null || next > deadline)
            {
                sys.RunUntil(deadline);
                return null;
            }
            sys.Step();
        }
        ReceivedMessage received = _received.Dequeue();
        LastSender = received.Sender;
        return received;
    }

    private static string Describe(ReceivedMessage received) =>
        $"{received.Message?.GetType().Name ?? "null"} {received.Message} from {received.Sender} at {received.At}";
}
