using TcpActors.Tcp.Headers;

namespace TcpActors.Tcp.Packetdrill;

/// <summary>How a script line gives its time (packetdrill's event_time_t).</summary>
public enum ScriptTimeKind : byte
{
    /// <summary><c>0.100</c>: seconds since the script started.</summary>
    Absolute,
    /// <summary><c>+0.100</c>: seconds after the previous line's time.</summary>
    Relative,
    /// <summary><c>*</c>: whenever it happens.</summary>
    Any,
    /// <summary><c>0.1~0.2</c>: at any time in the range.</summary>
    AbsoluteRange,
    /// <summary><c>+0.1~+0.2</c>: a range after the previous line's time.</summary>
    RelativeRange,
}

/// <summary>
/// A line's time as written. <see cref="Start"/> and <see cref="End"/> are offsets as written
/// (relative ones are resolved against the previous line when the script runs). <see cref="BlockingEnd"/>
/// is the time a blocking system call returns (<c>+.1...0.200 connect(...)</c>): like packetdrill, it
/// is absolute for an absolute start and offset by the previous line's time for a relative one.
/// </summary>
public readonly record struct ScriptTime(ScriptTimeKind Kind, TimeSpan Start, TimeSpan End, TimeSpan? BlockingEnd)
{
    public bool IsRelative => Kind is ScriptTimeKind.Relative or ScriptTimeKind.RelativeRange;
    public bool IsRange => Kind is ScriptTimeKind.AbsoluteRange or ScriptTimeKind.RelativeRange;
}

/// <summary>One line of a script (or one statement spanning lines), with the line it starts on.</summary>
public abstract record ScriptEvent(int Line, ScriptTime Time, string Text);

/// <summary>Which way a segment goes: <c>&lt;</c> into the model, <c>&gt;</c> out of it.</summary>
public enum PacketDirection : byte { Inbound, Outbound }

/// <summary>
/// <c>&lt; S. 0:0(0) ack 1 win 32768 &lt;mss 1000,nop,wscale 6&gt;</c>: flags, relative sequence range
/// and payload length, optional ack and window, and options (null = none written, <see cref="AnyOptions"/>
/// = <c>&lt;...&gt;</c>, do not check).
/// </summary>
public sealed record PacketEvent(
    int Line, ScriptTime Time, string Text, PacketDirection Direction, TcpFlags Flags,
    uint Seq, uint SeqEnd, int Length, uint? Ack, int? Window,
    IReadOnlyList<TcpOption>? Options, bool AnyOptions) : ScriptEvent(Line, Time, Text);

/// <summary>
/// <c>connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)</c>: the call's name, its
/// arguments as written, the expected return value and errno.
/// </summary>
public sealed record SyscallEvent(
    int Line, ScriptTime Time, string Text, string Name, IReadOnlyList<string> Args,
    long Result, string? Errno) : ScriptEvent(Line, Time, Text);

/// <summary><c>`sysctl -w net.inet.tcp.blackhole=0`</c>: a command the script runs on the host.</summary>
public sealed record ShellEvent(int Line, ScriptTime Time, string Text, string Command) : ScriptEvent(Line, Time, Text);

/// <summary>A line the runner recognizes but does not model (python blocks, epoll, ECN bits…), or cannot read.</summary>
public sealed record UnsupportedEvent(int Line, ScriptTime Time, string Text, string Reason) : ScriptEvent(Line, Time, Text);

/// <summary>
/// A parsed packetdrill script: its command-line options (<c>--tolerance_usecs=75000</c>), the profile
/// its header names (<c>// profiles: linux, bsd</c>, for our own suite) and its events in order.
/// </summary>
public sealed class PacketdrillScript
{
    public required string Path { get; init; }
    public required IReadOnlyDictionary<string, string> Options { get; init; }
    /// <summary>The profiles a <c>// profiles: linux, bsd</c> (or <c>// profile: bsd</c>) header comment names; empty when none.</summary>
    public required IReadOnlyList<string> Profiles { get; init; }
    public required IReadOnlyList<ScriptEvent> Events { get; init; }

    /// <summary>packetdrill's default is 4 ms; scripts widen it with <c>--tolerance_usecs</c>.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMilliseconds(4);
}
