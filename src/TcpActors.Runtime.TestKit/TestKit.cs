namespace TcpActors.Runtime.TestKit;

/// <summary>
/// Test fixture for actors in virtual time (Akka.NET's <c>TestKit</c> with a test scheduler):
/// a seeded <see cref="ActorSystem"/> at time zero, probes, and time that only moves when the test
/// says so (<see cref="Advance"/>) or when an expectation waits. Use it as a base class or a field.
/// </summary>
public class TestKit
{
    private readonly Stack<TimeSpan> _withinDeadlines = new();
    private int _probeCount;

    /// <summary>Creates a kit with a fresh system seeded by <paramref name="seed"/>.</summary>
    public TestKit(ulong seed = 0)
    {
        Sys = new ActorSystem(seed);
        TestActor = CreateProbe("testActor");
    }

    /// <summary>The system under test.</summary>
    public ActorSystem Sys { get; }

    /// <summary>The kit's default probe; the kit's own expectations read from it.</summary>
    public TestProbe TestActor { get; }

    /// <summary>How long an expectation waits, in virtual time, when neither a max nor an
    /// enclosing <see cref="Within(TimeSpan, Action)"/> says otherwise (3 s, as in Akka.NET).</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>What remains of the innermost <see cref="Within(TimeSpan, Action)"/>, else <see cref="DefaultTimeout"/>.</summary>
    public TimeSpan RemainingOrDefault
    {
        get
        {
            if (_withinDeadlines.Count == 0) return DefaultTimeout;
            TimeSpan remaining = _withinDeadlines.Peek() - Sys.Now;
            return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
        }
    }

    /// <summary>Current virtual time.</summary>
    public TimeSpan Now => Sys.Now;

    /// <summary>Runs every event due within the next <paramref name="duration"/> and moves time forward by it.</summary>
    public void Advance(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(duration), duration, "time does not go backwards");
        Sys.RunUntil(Sys.Now + duration);
    }

    /// <summary>Spawns an actor into <see cref="Sys"/>.</summary>
    public ActorRef Spawn(Actor actor) => Sys.Spawn(actor);

    /// <summary>Creates and spawns a new probe.</summary>
    public TestProbe CreateProbe(string? name = null)
    {
        var probe = new TestProbe(this, name ?? $"probe-{++_probeCount}");
        Sys.Spawn(probe);
        return probe;
    }

    /// <summary><see cref="TestProbe.ExpectMsg{T}(Func{T, bool}?, TimeSpan?)"/> on <see cref="TestActor"/>.</summary>
    public T ExpectMsg<T>(Func<T, bool>? predicate = null, TimeSpan? max = null) => TestActor.ExpectMsg(predicate, max);

    /// <summary><see cref="TestProbe.ExpectMsg{T}(T, TimeSpan?)"/> on <see cref="TestActor"/>.</summary>
    public T ExpectMsg<T>(T expected, TimeSpan? max = null) => TestActor.ExpectMsg(expected, max);

    /// <summary><see cref="TestProbe.ExpectNoMsg"/> on <see cref="TestActor"/>.</summary>
    public void ExpectNoMsg(TimeSpan duration) => TestActor.ExpectNoMsg(duration);

    /// <summary>Runs <paramref name="body"/> and fails unless it finishes within <paramref name="max"/>
    /// of virtual time; expectations inside wait at most until that deadline.</summary>
    public void Within(TimeSpan max, Action body) => Within(TimeSpan.Zero, max, body);

    /// <summary>Runs <paramref name="body"/> and fails unless its virtual duration lies in
    /// [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public void Within(TimeSpan min, TimeSpan max, Action body)
    {
        ArgumentNullException.ThrowIfNull(body);
        Within(min, max, () =>
        {
            body();
            return true;
        });
    }

    /// <summary>Runs <paramref name="body"/> within <paramref name="max"/> of virtual time and returns its result.</summary>
    public T Within<T>(TimeSpan max, Func<T> body) => Within(TimeSpan.Zero, max, body);

    /// <summary>Runs <paramref name="body"/>, checks its virtual duration lies in
    /// [<paramref name="min"/>, <paramref name="max"/>], and returns its result.</summary>
    public T Within<T>(TimeSpan min, TimeSpan max, Func<T> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (min > max) throw new ArgumentException($"min {min} is after max {max}", nameof(min));
        TimeSpan start = Sys.Now;
        _withinDeadlines.Push(start + max);
        T result;
        try
        {
            result = body();
        }
        finally
        {
            _withinDeadlines.Pop();
        }
        TimeSpan took = Sys.Now - start;
        if (took < min) throw new TestKitException($"block took {took}, less than the minimum {min}.");
        if (took > max) throw new TestKitException($"block took {took}, more than the maximum {max}.");
        return result;
    }
}
