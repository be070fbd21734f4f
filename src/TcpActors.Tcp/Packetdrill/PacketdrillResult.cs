namespace TcpActors.Tcp.Packetdrill;

/// <summary>How a script ended. Nothing the runner does not model is ever counted as passed.</summary>
public enum PacketdrillOutcome : byte
{
    /// <summary>Every line happened as the script says.</summary>
    Passed,
    /// <summary>A line did not: <see cref="PacketdrillResult.Message"/> says what was expected and what the model did, when.</summary>
    Failed,
    /// <summary>The script uses something the model does not have (TCP options, SACK, epoll…); it proves nothing either way.</summary>
    Unsupported,
}

/// <summary>The end of one script under one profile: outcome, the line that decided it (0 when none) and why.</summary>
public sealed record PacketdrillResult(string Path, string Profile, PacketdrillOutcome Outcome, int Line, string Message)
{
    /// <summary><c>FILE:LINE: outcome: message</c>, as compilers print, so editors can jump to the line.</summary>
    public override string ToString() => Outcome == PacketdrillOutcome.Passed
        ? $"{Path}: passed ({Profile})"
        : $"{Path}:{Line}: {(Outcome == PacketdrillOutcome.Failed ? "failed" : "unsupported")} ({Profile}): {Message}";
}
