namespace TcpActors.Simulation.Engine;

/// <summary>
/// The shard's live endpoint actors by handle — the opaque <c>int</c> a <see cref="Tcp.Host.TcpHost"/>
/// maps each 4-tuple to. A growable array with a free list: handles are reused, so memory follows
/// the live endpoints, not the couples of the whole run.
/// </summary>
internal sealed class EndpointSlots
{
    private EndpointActor?[] _slots = new EndpointActor?[1024];
    private int[] _free = new int[1024];
    private int _freeCount;
    private int _used;

    /// <summary>Handles handed out and not yet freed.</summary>
    public int Live { get; private set; }

    /// <summary>Highest handle ever used + 1 (for end-of-run scans).</summary>
    public int Extent => _used;

    public EndpointActor? this[int handle] => _slots[handle];

    /// <summary>A handle for an endpoint about to be created (the host needs it before the actor exists).</summary>
    public int Reserve()
    {
        Live++;
        if (_freeCount > 0) return _free[--_freeCount];
        if (_used == _slots.Length) Array.Resize(ref _slots, _slots.Length * 2);
        return _used++;
    }

    public void Set(int handle, EndpointActor actor) => _slots[handle] = actor;

    /// <summary>Returns a handle (its endpoint is gone, or was never created).</summary>
    public void Free(int handle)
    {
        _slots[handle] = null;
        if (_freeCount == _free.Length) Array.Resize(ref _free, _free.Length * 2);
        _free[_freeCount++] = handle;
        Live--;
    }

    /// <summary>Drops every reference (end of run), so the actors can be collected.</summary>
    public void Clear()
    {
        _slots = [];
        _free = [];
        _freeCount = 0;
        _used = 0;
        Live = 0;
    }
}
