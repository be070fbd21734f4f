using YamlDotNet.RepresentationModel;

namespace TcpActors.Cli.Tests.Deploy;

/// <summary>
/// deploy/k8s: <c>kubectl kustomize</c> renders it offline, every rendered object validates
/// against the Kubernetes OpenAPI schema of its kind (npm package kubernetes-models, installed by
/// <c>npm ci</c> from the committed lock file), and the Indexed Job turns its completion index into
/// the shard of a run that exports to the collector Service.
/// </summary>
public sealed class KubernetesManifestTests
{
    private static readonly Lazy<string> s_rendered = new(Render);
    private static readonly Lock s_npm = new();

    private static string Render()
    {
        var outcome = ToolProcess.Run("kubectl", ["kustomize", "deploy/k8s"], RepositoryFiles.Root);
        Assert.True(outcome.ExitCode == 0, $"kubectl kustomize deploy/k8s failed:\n{outcome}");
        return outcome.Stdout;
    }

    private static List<YamlMappingNode> Objects() => YamlFile.ParseAll(s_rendered.Value);

    private static YamlMappingNode Object(string kind, string name) =>
        Assert.Single(Objects(), o => YamlFile.Str(o, "kind") == kind && YamlFile.Str(o, "metadata.name") == name);

    /// <summary>Runs validate.mjs on a YAML file; installs the validator's packages first if needed.</summary>
    private static ProcessOutcome Validate(string yamlFile)
    {
        string folder = RepositoryFiles.PathOf("tests/TcpActors.Cli.Tests/Deploy/KubernetesSchemas");
        lock (s_npm)
        {
            if (!Directory.Exists(Path.Combine(folder, "node_modules", "kubernetes-models")))
            {
                var install = ToolProcess.Run("npm", ["ci", "--no-audit", "--no-fund"], folder, limit: TimeSpan.FromMinutes(5));
                Assert.True(install.ExitCode == 0, $"npm ci failed:\n{install}");
            }
        }
        return ToolProcess.Run("node", ["validate.mjs", yamlFile], folder);
    }

    [Fact]
    public void Every_object_kubectl_kustomize_renders_validates_against_the_kubernetes_schema_of_its_kind()
    {
        using var dir = new WorkDirectory();
        string file = Path.Combine(dir.Path, "rendered.yaml");
        File.WriteAllText(file, s_rendered.Value);

        var outcome = Validate(file);

        Assert.True(outcome.ExitCode == 0, $"invalid objects:\n{outcome}");
        Assert.Contains($"{Objects().Count} objects, 0 invalid", outcome.Stdout);
        foreach (string kind in new[] { "Namespace", "Deployment", "Service", "ConfigMap", "Job" })
            Assert.Contains(Objects(), o => YamlFile.Str(o, "kind") == kind);
    }

    [Fact]
    public void The_schema_validator_rejects_an_object_with_a_wrong_type_so_the_check_above_can_fail()
    {
        using var dir = new WorkDirectory();
        string file = Path.Combine(dir.Path, "bad.yaml");
        File.WriteAllText(file, s_rendered.Value.Replace("completions: 8", "completions: eight", StringComparison.Ordinal));

        var outcome = Validate(file);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("invalid: batch/v1 Job tcpactors-shards: data/spec/completions must be integer", outcome.Stdout);
    }

    [Fact]
    public void The_indexed_job_runs_eight_shards_in_parallel_each_taking_its_completion_index_as_its_shard()
    {
        var job = Object("Job", "tcpactors-shards");

        Assert.Equal("Indexed", YamlFile.Str(job, "spec.completionMode"));
        int completions = int.Parse(YamlFile.Str(job, "spec.completions"));
        Assert.Equal(8, completions);
        Assert.Equal(completions, int.Parse(YamlFile.Str(job, "spec.parallelism")));
        var container = Assert.Single(YamlFile.Seq(job, "spec.template.spec.containers"));
        var args = YamlFile.Strs(container, "args");
        Assert.Equal("run", args[0]);
        Assert.Equal($"$(JOB_COMPLETION_INDEX)/{completions}", args[args.IndexOf("--shard") + 1]);
        var index = Assert.Single(YamlFile.Seq(container, "env"), e => YamlFile.Str(e, "name") == "JOB_COMPLETION_INDEX");
        Assert.Equal("metadata.annotations['batch.kubernetes.io/job-completion-index']", YamlFile.Str(index, "valueFrom.fieldRef.fieldPath"));
        Assert.Equal("tcpactors", YamlFile.Str(job, "metadata.namespace"));
    }

    [Fact]
    public void Each_shard_exports_to_the_collector_service_on_its_otlp_grpc_port()
    {
        var container = Assert.Single(YamlFile.Seq(Object("Job", "tcpactors-shards"), "spec.template.spec.containers"));
        var args = YamlFile.Strs(container, "args");
        var (host, port) = ComposeStack.HostAndPort(args[args.IndexOf("--otlp") + 1]);

        var service = Object("Service", host);
        // The init container waits for that very address before the shard starts.
        var wait = Assert.Single(YamlFile.Seq(Object("Job", "tcpactors-shards"), "spec.template.spec.initContainers"));
        Assert.Contains($"/dev/tcp/{host}/{port}", YamlFile.Strs(wait, "command")[^1]);
        Assert.Contains(YamlFile.Seq(service, "spec.ports"), p => YamlFile.Str(p, "port") == port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // Prometheus and Grafana find their peers by the same Service names as in docker-compose.
        Assert.Contains(YamlFile.Seq(service, "spec.ports"), p => YamlFile.Str(p, "port") == "8889");
        Assert.Contains(YamlFile.Seq(Object("Service", "prometheus"), "spec.ports"), p => YamlFile.Str(p, "port") == "9090");
    }

    [Fact]
    public void A_shard_of_the_job_is_a_run_tcpactors_accepts()
    {
        var container = Assert.Single(YamlFile.Seq(Object("Job", "tcpactors-shards"), "spec.template.spec.containers"));
        var args = YamlFile.Strs(container, "args");
        Assert.Equal("/opt/tcpactors/scenarios/fleet.yaml", args[1]);
        string lastShard = args[args.IndexOf("--shard") + 1].Replace("$(JOB_COMPLETION_INDEX)", "7", StringComparison.Ordinal);
        using var dir = new WorkDirectory();

        // The image carries deploy/scenarios/ at /opt/tcpactors/scenarios/; 5 s of it are enough
        // to know the scenario cuts into this many shards (a shard needs a client host of its own).
        var outcome = TcpActorsProcess.Run(dir.Path, "run", RepositoryFiles.PathOf("deploy/scenarios/fleet.yaml"),
            "--shard", lastShard, "--duration", "5s", "--quiet", "--out", Path.Combine(dir.Path, "shard"));

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
    }

    [Fact]
    public void The_configs_the_cluster_gets_are_the_ones_docker_compose_mounts()
    {
        (string K8s, string Compose)[] copies =
        [
            ("deploy/k8s/config/otel-collector.yaml", "deploy/otel-collector/config.yaml"),
            ("deploy/k8s/config/prometheus.yml", "deploy/prometheus/prometheus.yml"),
            ("deploy/k8s/config/grafana-datasource.yaml", "deploy/grafana/provisioning/datasources/prometheus.yaml"),
            ("deploy/k8s/config/grafana-dashboard-provider.yaml", "deploy/grafana/provisioning/dashboards/tcpactors.yaml"),
            ("deploy/k8s/config/tcpactors.json", "deploy/grafana/dashboards/tcpactors.json"),
        ];
        foreach (var (k8s, compose) in copies)
            Assert.True(RepositoryFiles.Read(k8s) == RepositoryFiles.Read(compose), $"{k8s} differs from {compose}: copy it again");
    }

    [Fact]
    public void Grafana_in_the_cluster_mounts_the_dashboards_where_its_provider_looks()
    {
        var grafana = Object("Deployment", "grafana");
        var container = Assert.Single(YamlFile.Seq(grafana, "spec.template.spec.containers"));
        var mounts = YamlFile.Seq(container, "volumeMounts").ToDictionary(m => YamlFile.Str(m, "name"), m => YamlFile.Str(m, "mountPath"));
        var provider = Assert.Single(YamlFile.Seq(YamlFile.Load("deploy/grafana/provisioning/dashboards/tcpactors.yaml"), "providers"));

        Assert.Equal(YamlFile.Str(provider, "options.path"), mounts["dashboards"]);
        Assert.Equal("/etc/grafana/provisioning/datasources", mounts["datasources"]);
        var volumes = YamlFile.Seq(grafana, "spec.template.spec.volumes").ToDictionary(v => YamlFile.Str(v, "name"));
        string dashboardsMap = YamlFile.Str(volumes["dashboards"], "configMap.name");
        var configMap = Object("ConfigMap", dashboardsMap);
        Assert.Equal(RepositoryFiles.Read("deploy/grafana/dashboards/tcpactors.json"), ((YamlScalarNode)YamlFile.Map(configMap, "data").Children[new YamlScalarNode("tcpactors.json")]).Value);
    }
}
