using System.Globalization;

namespace TcpActors.Simulation.Scenarios;

/// <summary>
/// The value syntax of scenario files (docs/scenarios.md, "Values"): durations with a unit
/// (<c>250ms</c>, <c>1.5s</c>, <c>2m</c>), sizes (<c>100B</c>, <c>1KB</c> = 1024 bytes), rates
/// (<c>500/s</c>), probabilities (<c>0.01</c> or <c>1%</c>). Parsing is exact: decimals are read
/// as <see cref="decimal"/>, so <c>0.1s</c> is exactly one million ticks. Formatting picks the
/// largest unit that represents the value exactly, so a value written and read back is unchanged.
/// </summary>
public static class UnitSyntax
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private static readonly (string Unit, long Ticks)[] DurationUnits =
    [
        ("h", TimeSpan.TicksPerHour), ("m", TimeSpan.TicksPerMinute), ("s", TimeSpan.TicksPerSecond),
        ("ms", TimeSpan.TicksPerMillisecond), ("us", TimeSpan.TicksPerMicrosecond),
    ];

    /// <summary>Size units; K, M and G are binary (1 KB = 1024 B), KiB/MiB/GiB are synonyms.</summary>
    private static readonly (string Unit, long Bytes)[] SizeUnits =
    [
        ("GB", 1L << 30), ("MB", 1L << 20), ("KB", 1L << 10), ("GiB", 1L << 30), ("MiB", 1L << 20), ("KiB", 1L << 10), ("B", 1),
    ];

    /// <summary>The longest duration a value can spell: <see cref="TimeSpan.MaxValue"/>, about 29,000 years.</summary>
    public static TimeSpan MaxDuration => TimeSpan.MaxValue;

    /// <summary>
    /// <see cref="MaxDuration"/> as the largest whole number of hours it holds (<c>256204778h</c>),
    /// the spelling an error names as the limit.
    /// </summary>
    public static string MaxDurationText { get; } = (TimeSpan.MaxValue.Ticks / TimeSpan.TicksPerHour).ToString(CultureInfo.InvariantCulture) + "h";

    /// <summary>
    /// True when <paramref name="text"/> is a number (exponents such as <c>1e30</c> included) and a
    /// duration unit whose value exceeds <see cref="MaxDuration"/>: a duration too long to hold,
    /// which <see cref="TryParseDuration"/> refuses, and an error should say so rather than call it
    /// "not a duration".
    /// </summary>
    public static bool IsTooLongDuration(string text)
    {
        text = text.Trim();
        int split = 0;
        while (split < text.Length && (char.IsAsciiDigit(text[split]) || text[split] is '.' or 'e' or 'E' or '+' or '-')) split++;
        // "1e30s": the 'e' of an exponent; a unit never starts with e, so the scan may take it.
        if (split == 0 || split == text.Length) return false;
        string unit = text[split..].Trim();
        foreach (var (name, ticks) in DurationUnits)
        {
            if (unit != name) continue;
            return double.TryParse(text[..split], NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, Invariant, out double number)
                && number * ticks > TimeSpan.MaxValue.Ticks;
        }
        return false;
    }

    /// <summary>Parses a non-negative duration: a number and one of h, m, s, ms, us; bare <c>0</c> is allowed.</summary>
    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        text = text.Trim();
        if (text == "0") return true;
        int split = 0;
        while (split < text.Length && (char.IsAsciiDigit(text[split]) || text[split] == '.')) split++;
        if (split == 0 || split == text.Length) return false;
        string unit = text[split..].Trim();
        foreach (var (name, ticks) in DurationUnits)
        {
            if (unit != name) continue;
            if (!decimal.TryParse(text[..split], NumberStyles.AllowDecimalPoint, Invariant, out decimal number)) return false;
            decimal total = number * ticks;
            if (total > TimeSpan.MaxValue.Ticks || total != decimal.Truncate(total)) return false;
            value = new TimeSpan((long)total);
            return true;
        }
        return false;
    }

    /// <summary>
    /// An exact spelling of a duration in seconds or smaller units: <c>60s</c>, <c>7200s</c>,
    /// <c>250ms</c>, <c>1.5s</c> — seconds, as ip-sysctl.rst and TCP folklore state them, never <c>1m</c>.
    /// </summary>
    public static string FormatDuration(TimeSpan value)
    {
        long ticks = value.Ticks;
        if (ticks == 0) return "0s";
        foreach (var (name, unitTicks) in DurationUnits.AsSpan(2))
        {
            if (ticks % unitTicks == 0) return (ticks / unitTicks).ToString(Invariant) + name;
        }
        return ((decimal)ticks / TimeSpan.TicksPerSecond).ToString(Invariant) + "s";
    }

    /// <summary>Parses a size in bytes: a number with B, KB, MB, GB (binary multiples), or a bare integer of bytes.</summary>
    public static bool TryParseSize(string text, out long bytes)
    {
        bytes = 0;
        text = text.Trim();
        if (long.TryParse(text, NumberStyles.None, Invariant, out bytes)) return true;
        foreach (var (name, multiplier) in SizeUnits)
        {
            if (!text.EndsWith(name, StringComparison.Ordinal)) continue;
            string number = text[..^name.Length].Trim();
            if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint, Invariant, out decimal n)) return false;
            decimal total = n * multiplier;
            if (total != decimal.Truncate(total) || total > long.MaxValue) return false;
            bytes = (long)total;
            return true;
        }
        return false;
    }

    /// <summary>The shortest exact spelling of a size: <c>1KB</c>, <c>100B</c>, <c>2MB</c>.</summary>
    public static string FormatSize(long bytes)
    {
        if (bytes != 0 && bytes % (1L << 30) == 0) return (bytes >> 30).ToString(Invariant) + "GB";
        if (bytes != 0 && bytes % (1L << 20) == 0) return (bytes >> 20).ToString(Invariant) + "MB";
        if (bytes != 0 && bytes % (1L << 10) == 0) return (bytes >> 10).ToString(Invariant) + "KB";
        return bytes.ToString(Invariant) + "B";
    }

    /// <summary>
    /// Parses a rate, <c>N/s</c> or <c>N/m</c> (per minute), as events per second; with
    /// <paramref name="allowBytes"/> also <c>SIZE/s</c> (<c>1MB/s</c>), reported through <paramref name="isBytes"/>.
    /// </summary>
    public static bool TryParseRate(string text, bool allowBytes, out double perSecond, out bool isBytes)
    {
        perSecond = 0;
        isBytes = false;
        text = text.Trim();
        int slash = text.LastIndexOf('/');
        if (slash <= 0) return false;
        string per = text[(slash + 1)..].Trim();
        double divisor = per switch { "s" => 1, "m" => 60, _ => 0 };
        if (divisor == 0) return false;
        string amount = text[..slash].Trim();
        if (double.TryParse(amount, NumberStyles.AllowDecimalPoint, Invariant, out double count))
        {
            perSecond = count / divisor;
            return double.IsFinite(perSecond);
        }
        if (allowBytes && TryParseSize(amount, out long bytes) && !amount.All(char.IsAsciiDigit))
        {
            perSecond = bytes / divisor;
            isBytes = true;
            return true;
        }
        return false;
    }

    /// <summary>A rate in events per second as <c>N/s</c>, exact (round-trip formatting of the double).</summary>
    public static string FormatRate(double perSecond) => FormatNumber(perSecond) + "/s";

    /// <summary>A byte rate as <c>SIZE/s</c> when whole, else <c>N B/s</c> spelled as bytes.</summary>
    public static string FormatByteRate(double bytesPerSecond) =>
        bytesPerSecond == Math.Floor(bytesPerSecond) && bytesPerSecond < long.MaxValue
            ? FormatSize((long)bytesPerSecond) + "/s"
            : FormatNumber(bytesPerSecond) + "B/s";

    /// <summary>Parses a probability: a number in 0..1, or a percentage <c>0..100%</c>. Range is checked by the caller.</summary>
    public static bool TryParseProbability(string text, out double value)
    {
        text = text.Trim();
        bool percent = text.EndsWith('%');
        if (percent) text = text[..^1].Trim();
        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign | NumberStyles.AllowExponent, Invariant, out value)
            || !double.IsFinite(value))
            return false;
        if (percent) value = (double)((decimal)value / 100m);
        return true;
    }

    /// <summary>A number in the shortest form that reads back to the same double.</summary>
    public static string FormatNumber(double value) => value.ToString("R", Invariant);
}
