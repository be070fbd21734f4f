namespace TcpActors.Cli.Tests.Deploy;

/// <summary>
/// deploy/docker/claim-shard.sh, the image's entrypoint: with <c>docker-compose up --scale
/// simulator=N</c> and <c>TCPACTORS_SHARDS=N</c>, each replica takes a different index of 0..N-1
/// and runs <c>--shard I/N</c>. Driven here with <c>echo</c> in place of tcpactors.
/// </summary>
public sealed class ClaimShardTests
{
    private static readonly string s_script = RepositoryFiles.PathOf("deploy/docker/claim-shard.sh");

    private static ProcessOutcome Claim(string claims, string? shards, params string[] command) =>
        ToolProcess.Run("sh", [s_script, .. command], claims, new Dictionary<string, string?>
        {
            ["TCPACTORS_SHARDS"] = shards,
            ["TCPACTORS_SHARD_CLAIMS"] = claims,
        });

    [Fact]
    public void One_replica_runs_the_command_as_given_without_a_shard()
    {
        using var dir = new WorkDirectory();

        var outcome = Claim(dir.Path, null, "echo", "run", "fleet.yaml");

        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal("run fleet.yaml\n", outcome.Stdout);
        Assert.Empty(Directory.GetDirectories(dir.Path));
    }

    [Fact]
    public async Task Eight_replicas_started_at_once_take_the_eight_shards_once_each()
    {
        using var dir = new WorkDirectory();
        var starts = Enumerable.Range(0, 8).Select(_ => Task.Run(() => Claim(dir.Path, "8", "echo", "run", "fleet.yaml"))).ToArray();
        var outcomes = await Task.WhenAll(starts);

        var lines = outcomes.Select(o => { Assert.True(o.ExitCode == 0, o.ToString()); return o.Stdout.Trim(); }).Order().ToList();
        Assert.Equal([.. Enumerable.Range(0, 8).Select(i => $"run fleet.yaml --shard {i}/8")], lines);
    }

    [Fact]
    public void A_ninth_replica_of_eight_shards_finds_none_left_and_exits_2_saying_why()
    {
        using var dir = new WorkDirectory();
        for (int i = 0; i < 8; i++) Assert.Equal(0, Claim(dir.Path, "8", "true").ExitCode);

        var outcome = Claim(dir.Path, "8", "echo", "run");

        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal("", outcome.Stdout);
        Assert.Contains("all 8 shards", outcome.Stderr);
    }

    [Fact]
    public void A_shard_count_that_is_not_a_number_is_refused()
    {
        using var dir = new WorkDirectory();

        var outcome = Claim(dir.Path, "eight", "echo", "run");

        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains("TCPACTORS_SHARDS must be a whole number", outcome.Stderr);
    }

    [Fact]
    public void The_script_is_committed_executable_because_the_image_runs_it_directly()
    {
        // The mode as git records it, so a checkout anywhere gets it.
        var outcome = ToolProcess.Run("git", ["ls-files", "--stage", "deploy/docker/claim-shard.sh"], RepositoryFiles.Root);

        Assert.StartsWith("100755 ", outcome.Stdout);
    }
}
