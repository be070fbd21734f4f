namespace TcpActors.Cli;

/// <summary>
/// The exit codes of <c>tcpactors</c> (DESIGN.md §8). Scripts and CI read them, so they never change.
/// </summary>
internal static class ExitCode
{
    /// <summary>The command did what was asked; a run finished with every invariant holding.</summary>
    public const int Success = 0;

    /// <summary>A run finished, but an invariant of DESIGN.md §9 was violated (a simulator bug).</summary>
    public const int InvariantViolated = 1;

    /// <summary>Bad input or usage: unknown option, bad value, missing file, malformed scenario, a bad <c>--out</c>.</summary>
    public const int BadInput = 2;

    /// <summary>
    /// The run directory could not be written (no space left, a quota, an I/O error): EX_IOERR of
    /// sysexits.h. The previous run directory, if any, is left as it was.
    /// </summary>
    public const int IoError = 74;

    /// <summary>
    /// The run was interrupted by SIGINT (Ctrl+C) and left a report marked <c>"interrupted": true</c>:
    /// 128 + SIGINT, as shells report a process ended by Ctrl+C.
    /// </summary>
    public const int Interrupted = 130;

    /// <summary>An unexpected exception escaped (a bug in tcpactors): EX_SOFTWARE of sysexits.h.</summary>
    public const int InternalError = 70;
}
