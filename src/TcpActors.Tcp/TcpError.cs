namespace TcpActors.Tcp;

/// <summary>
/// The result of a user call that is well-formed but does not fit the connection's state, like the
/// errno a socket call returns. Such a call changes nothing. Malformed arguments (a negative byte
/// count, port 0) are programming errors and throw <see cref="ArgumentException"/> instead.
/// </summary>
public enum TcpError : byte
{
    /// <summary>The call was accepted.</summary>
    None,

    /// <summary>No connection to act on (ENOTCONN): the endpoint is CLOSED or only listening.</summary>
    NotConnected,

    /// <summary>The endpoint is already open (EISCONN / EALREADY); open it only from CLOSED.</summary>
    AlreadyOpen,

    /// <summary>Sending after shutdown-write or close (EPIPE).</summary>
    WriteShutdown,

    /// <summary>The application already closed this endpoint (EBADF).</summary>
    AlreadyClosed,

    /// <summary>More unacknowledged bytes than the sequence space can tell apart (ENOBUFS).</summary>
    BufferFull,
}
