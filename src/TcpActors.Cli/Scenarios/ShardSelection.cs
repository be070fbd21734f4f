using System.Globalization;

namespace TcpActors.Cli.Scenarios;

/// <summary>
/// <c>--shard i/N</c>: run only shard <c>i</c> (0-based, like <c>client-0</c>) of a scenario cut into
/// <c>N</c> shards, so that N processes (or machines) together run the whole scenario and
/// <c>tcpactors merge</c> sums their run directories (DESIGN.md §3).
/// </summary>
internal readonly record struct ShardSelection(int Index, int Count)
{
    /// <summary>The most shards a scenario can be cut into (the loader's limit for <c>run.shards</c>).</summary>
    public const int MaxCount = 4096;

    /// <summary>Parses <c>i/N</c>; <paramref name="problem"/> says what is wrong otherwise.</summary>
    public static bool TryParse(string text, out ShardSelection shard, out string problem)
    {
        shard = default;
        problem = "";
        int slash = text.IndexOf('/');
        if (slash <= 0 || slash == text.Length - 1
            || !int.TryParse(text.AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            || !int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int count))
        {
            problem = $"--shard must be INDEX/COUNT with whole numbers, such as 0/4; got '{text}'";
            return false;
        }
        if (count < 1 || count > MaxCount)
        {
            problem = $"--shard {text}: the shard count must be from 1 to {MaxCount}; got {count}";
            return false;
        }
        if (index >= count)
        {
            problem = $"--shard {text}: shards are numbered from 0 to {count - 1}, so {index} is not one of them";
            return false;
        }
        shard = new ShardSelection(index, count);
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Index}/{Count}";
}
