namespace TcpActors.Runtime.Scheduling;

/// <summary>
/// A small process-wide number per message type, used to index a system's typed queues without
/// a dictionary. The numbering may differ between processes or thread interleavings; that is
/// harmless because event order depends only on (time, seq), never on queue indices.
/// </summary>
internal static class MessageTypeId
{
    private static int s_next = -1;

    internal static int Next() => Interlocked.Increment(ref s_next);
}

/// <summary>The id of <typeparamref name="T"/>, assigned on first use.</summary>
internal static class MessageTypeId<T>
{
    public static readonly int Value = MessageTypeId.Next();
}
