using System.Globalization;

namespace TcpActors.Cli.Output;

/// <summary>A count with its noun in the right number: "1 seed", "2 seeds", "10,000 couples".</summary>
internal static class Counted
{
    /// <summary><paramref name="count"/> (thousands separated) and <paramref name="noun"/>, plural unless the count is 1.</summary>
    public static string Of(long count, string noun) =>
        count.ToString("N0", CultureInfo.InvariantCulture) + " " + (count == 1 ? noun : noun + "s");
}
