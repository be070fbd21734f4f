using YamlDotNet.RepresentationModel;

namespace TcpActors.Cli.Tests.Deploy;

/// <summary>
/// docker-compose.yml as Debian's docker-compose (1.29) resolves it: <c>docker-compose config</c>
/// run as a process in the repository root, its output parsed.
/// </summary>
internal static class ComposeStack
{
    /// <summary>Runs <c>docker-compose -f docker-compose.yml config</c> with <paramref name="environment"/> on top of a clean one.</summary>
    public static ProcessOutcome Config(IReadOnlyDictionary<string, string?>? environment = null)
    {
        var env = new Dictionary<string, string?> { ["TCPACTORS_SHARDS"] = null, ["COMPOSE_FILE"] = null, ["COMPOSE_PROJECT_NAME"] = null };
        if (environment is not null) foreach (var (k, v) in environment) env[k] = v;
        return ToolProcess.Run("docker-compose", ["-f", "docker-compose.yml", "config"], RepositoryFiles.Root, env);
    }

    /// <summary>The resolved file; fails the test when docker-compose rejects it.</summary>
    public static YamlMappingNode Resolved(IReadOnlyDictionary<string, string?>? environment = null)
    {
        var outcome = Config(environment);
        Assert.True(outcome.ExitCode == 0, $"docker-compose config rejected docker-compose.yml:\n{outcome}");
        return YamlFile.Parse(outcome.Stdout, "docker-compose config");
    }

    /// <summary>The host and port of a URL such as <c>http://otel-collector:4317</c>.</summary>
    public static (string Host, int Port) HostAndPort(string url)
    {
        var uri = new Uri(url);
        return (uri.Host, uri.Port);
    }
}
