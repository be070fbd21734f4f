using System.Diagnostics;

namespace TcpActors.Tcp;

/// <summary>
/// A 32-bit TCP sequence number. Comparisons are modulo 2^32 (RFC 9293 §3.4, RFC 1982 serial
/// arithmetic): <c>a &lt; b</c> when the signed 32-bit difference <c>a - b</c> is negative, so
/// 0xFFFFFFF0 is "before" 0x00000010.
/// </summary>
[DebuggerDisplay("{Value}")]
public readonly record struct SeqNum(uint Value) : IComparable<SeqNum>
{
    public static SeqNum operator +(SeqNum a, int delta) => new(unchecked(a.Value + (uint)delta));
    public static SeqNum operator +(SeqNum a, uint delta) => new(unchecked(a.Value + delta));
    public static SeqNum operator -(SeqNum a, int delta) => new(unchecked(a.Value - (uint)delta));

    /// <summary>The signed distance from <paramref name="b"/> to <paramref name="a"/>.</summary>
    public static int operator -(SeqNum a, SeqNum b) => unchecked((int)(a.Value - b.Value));

    public static bool operator <(SeqNum a, SeqNum b) => (a - b) < 0;
    public static bool operator >(SeqNum a, SeqNum b) => (a - b) > 0;
    public static bool operator <=(SeqNum a, SeqNum b) => (a - b) <= 0;
    public static bool operator >=(SeqNum a, SeqNum b) => (a - b) >= 0;

    public int CompareTo(SeqNum other) => Math.Sign(this - other);

    /// <summary>True when <c>start &lt;= this &lt; start + length</c> in sequence space.</summary>
    public bool InWindow(SeqNum start, uint length) => unchecked(Value - start.Value) < length;

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
