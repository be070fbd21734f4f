using YamlDotNet.RepresentationModel;

namespace TcpActors.Cli.Tests.Deploy;

/// <summary>
/// docker-compose.yml: Debian's docker-compose accepts it, the simulator exports to the
/// collector's OTLP port, the configs it mounts exist, and the simulator can be scaled into shards.
/// </summary>
public sealed class ComposeFileTests
{
    [Fact]
    public void Docker_compose_config_accepts_the_stack_of_simulator_collector_prometheus_and_grafana()
    {
        var resolved = ComposeStack.Resolved();

        Assert.Equal(["grafana", "otel-collector", "prometheus", "shard-claims-reset", "simulator"], YamlFile.Keys(resolved, "services").Order());
        Assert.Equal("deploy/docker/Dockerfile", YamlFile.Str(resolved, "services.simulator.build.dockerfile"));
    }

    [Fact]
    public void The_simulator_exports_otlp_to_the_port_the_collector_receives_grpc_on()
    {
        var resolved = ComposeStack.Resolved();
        var command = YamlFile.Strs(resolved, "services.simulator.command");
        Assert.Equal("run", command[0]);
        string url = command[command.IndexOf("--otlp") + 1];
        var (host, port) = ComposeStack.HostAndPort(url);

        Assert.Contains(host, YamlFile.Keys(resolved, "services"));
        var collector = YamlFile.Load("deploy/otel-collector/config.yaml");
        Assert.EndsWith($":{port}", YamlFile.Str(collector, "receivers.otlp.protocols.grpc.endpoint"));
        Assert.Contains("--config=/etc/otelcol/config.yaml", YamlFile.Strs(resolved, $"services.{host}.command"));
    }

    [Fact]
    public void The_simulator_runs_the_fleet_scenario_that_the_image_carries()
    {
        var command = YamlFile.Strs(ComposeStack.Resolved(), "services.simulator.command");
        Assert.Equal("/opt/tcpactors/scenarios/fleet.yaml", command[1]);
        // The Dockerfile copies deploy/scenarios/ to /opt/tcpactors/scenarios/.
        Assert.Contains("COPY deploy/scenarios/ /opt/tcpactors/scenarios/", RepositoryFiles.Read("deploy/docker/Dockerfile"));
        Assert.True(File.Exists(RepositoryFiles.PathOf("deploy/scenarios/fleet.yaml")));
    }

    [Fact]
    public void Every_file_or_folder_the_stack_mounts_from_the_repository_exists_and_lands_where_its_service_reads_it()
    {
        var resolved = ComposeStack.Resolved();
        var mounts = new Dictionary<string, string>();
        foreach (var (name, service) in YamlFile.Map(resolved, "services").Children)
        {
            if (YamlFile.Find(service, "volumes") is not YamlSequenceNode volumes) continue;
            foreach (var volume in volumes.Children)
            {
                string[] parts = ((YamlScalarNode)volume).Value!.Split(':');
                if (!parts[0].StartsWith('/')) continue; // a named volume
                Assert.True(File.Exists(parts[0]) || Directory.Exists(parts[0]), $"{name} mounts {parts[0]}, which does not exist");
                mounts[parts[1]] = parts[0];
            }
        }
        Assert.Equal(RepositoryFiles.PathOf("deploy/prometheus/prometheus.yml"), mounts["/etc/prometheus/prometheus.yml"]);
        Assert.Equal(RepositoryFiles.PathOf("deploy/otel-collector/config.yaml"), mounts["/etc/otelcol/config.yaml"]);
        Assert.Equal(RepositoryFiles.PathOf("deploy/grafana/provisioning/datasources"), mounts["/etc/grafana/provisioning/datasources"]);
        Assert.Equal(RepositoryFiles.PathOf("deploy/grafana/provisioning/dashboards"), mounts["/etc/grafana/provisioning/dashboards"]);
        // The dashboard provider reads the folder the dashboards are mounted at.
        var provider = Assert.Single(YamlFile.Seq(YamlFile.Load("deploy/grafana/provisioning/dashboards/tcpactors.yaml"), "providers"));
        string dashboards = YamlFile.Str(provider, "options.path");
        Assert.Equal(RepositoryFiles.PathOf("deploy/grafana/dashboards"), mounts[dashboards]);
        Assert.True(File.Exists(Path.Combine(mounts[dashboards], "tcpactors.json")));
        Assert.Equal(dashboards + "/tcpactors.json", YamlFile.Str(ComposeStack.Resolved(), "services.grafana.environment.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"));
    }

    [Fact]
    public void The_simulator_can_be_scaled_into_shards_because_it_publishes_no_port_and_has_no_fixed_name()
    {
        var resolved = ComposeStack.Resolved(new Dictionary<string, string?> { ["TCPACTORS_SHARDS"] = "8" });
        var simulator = YamlFile.Map(resolved, "services.simulator");

        Assert.Null(YamlFile.Find(simulator, "ports"));
        Assert.Null(YamlFile.Find(simulator, "container_name"));
        Assert.Equal("8", YamlFile.Str(simulator, "environment.TCPACTORS_SHARDS"));
        Assert.Equal("1", YamlFile.Str(ComposeStack.Resolved(), "services.simulator.environment.TCPACTORS_SHARDS"));
        // The replicas claim their shard index in one shared volume, emptied before they start.
        Assert.Contains("shard-claims:/var/lib/tcpactors/shards:rw", YamlFile.Strs(simulator, "volumes"));
        Assert.Equal("service_completed_successfully", YamlFile.Str(simulator, "depends_on.shard-claims-reset.condition"));
        Assert.Contains("TCPACTORS_SHARD_CLAIMS=/var/lib/tcpactors/shards", RepositoryFiles.Read("deploy/docker/Dockerfile"));
    }

    [Fact]
    public void Docker_compose_config_rejects_a_broken_file_so_the_checks_above_can_fail()
    {
        using var dir = new WorkDirectory();
        File.WriteAllText(Path.Combine(dir.Path, "docker-compose.yml"), "services:\n  simulator:\n    image: tcpactors:local\n    depends_on: 7\n");
        var outcome = ToolProcess.Run("docker-compose", ["-f", "docker-compose.yml", "config"], dir.Path);
        Assert.NotEqual(0, outcome.ExitCode);
    }
}
