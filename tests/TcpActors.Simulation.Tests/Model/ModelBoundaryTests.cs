using System.Reflection;
using System.Text.RegularExpressions;

namespace TcpActors.Simulation.Tests.Model;

/// <summary>
/// The model knows nothing of the runtime that drives it (issue #21, DESIGN.md §2): no type in
/// <c>TcpActors.Simulation.Model</c> holds, takes or returns an actor, a reference, a system or a
/// timer, and no file in <c>Model/</c> imports the runtime's namespace. The one value it takes from
/// the runtime's assembly is the seeded <c>RandomStream</c>, named by an alias where it is used.
/// </summary>
public partial class ModelBoundaryTests
{
    private static readonly Assembly s_simulation = typeof(SimulationRunner).Assembly;
    private static readonly Assembly s_runtime = typeof(Runtime.ActorSystem).Assembly;

    [Fact]
    public void No_model_type_holds_takes_or_returns_anything_of_the_actor_runtime_but_a_random_stream()
    {
        var offenders = new List<string>();
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        Type[] model = [.. s_simulation.GetTypes().Where(t => t.Namespace == "TcpActors.Simulation.Model")];
        Assert.NotEmpty(model);
        foreach (Type type in model)
        {
            void Check(Type? used, string where)
            {
                if (used is null) return;
                if (used.HasElementType) used = used.GetElementType()!;
                if (used.IsGenericType) foreach (Type argument in used.GetGenericArguments()) Check(argument, where);
                if (used.Assembly == s_runtime && used != typeof(Runtime.RandomStream)) offenders.Add($"{type.Name}.{where}: {used.Name}");
            }
            Check(type.BaseType, "base");
            foreach (Type i in type.GetInterfaces()) Check(i, "interface");
            foreach (FieldInfo f in type.GetFields(all)) Check(f.FieldType, f.Name);
            foreach (PropertyInfo p in type.GetProperties(all)) Check(p.PropertyType, p.Name);
            foreach (MethodBase m in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            {
                if (m is MethodInfo mi) Check(mi.ReturnType, m.Name);
                foreach (ParameterInfo p in m.GetParameters()) Check(p.ParameterType, $"{m.Name}({p.Name})");
                // A body that makes an actor, tells one or arms a timer names those types among its locals.
                foreach (LocalVariableInfo local in m.GetMethodBody()?.LocalVariables ?? []) Check(local.LocalType, $"{m.Name} local");
            }
        }
        Assert.True(offenders.Count == 0, "the model reaches into the runtime: " + string.Join("; ", offenders));
    }

    [Fact]
    public void No_file_of_the_model_imports_the_runtime_namespace()
    {
        string folder = Path.Combine(RepositoryRoot(), "src", "TcpActors.Simulation", "Model");
        string[] files = Directory.GetFiles(folder, "*.cs");
        Assert.NotEmpty(files);
        var offenders = files.Where(f => RuntimeImport().IsMatch(File.ReadAllText(f))).Select(Path.GetFileName).ToList();
        Assert.True(offenders.Count == 0, "Model/ files with `using TcpActors.Runtime…;`: " + string.Join(", ", offenders));
    }

    [GeneratedRegex(@"^\s*using\s+(static\s+)?TcpActors\.Runtime(\.[A-Za-z.]+)?\s*;", RegexOptions.Multiline)]
    private static partial Regex RuntimeImport();

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TcpActors.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("TcpActors.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>
/// The simulation engine's actors share nothing but messages (issue #21): an actor shows nothing
/// to other code but its <c>Receive</c> handlers — no public method, property or field another
/// actor could call or read.
/// </summary>
public class EngineBoundaryTests
{
    [Fact]
    public void An_engine_actor_shows_nothing_but_its_message_handlers()
    {
        const BindingFlags visible = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        Type[] actors = [.. typeof(SimulationRunner).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Runtime.Actor)))];
        Assert.Contains(actors, t => t.Name == "EndpointActor");
        Assert.Contains(actors, t => t.Name == "HostActor");
        var offenders = new List<string>();
        foreach (Type actor in actors)
        {
            foreach (MemberInfo member in actor.GetMembers(visible))
            {
                bool handler = member is MethodInfo { Name: "Receive" } m && m.GetParameters().Length == 1
                    && actor.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(Runtime.IReceive<>)
                        && i.GetGenericArguments()[0] == m.GetParameters()[0].ParameterType);
                if (handler || member is ConstructorInfo || member.Name == nameof(ToString)) continue;
                offenders.Add($"{actor.Name}.{member.Name}");
            }
        }
        Assert.True(offenders.Count == 0, "actors with members others could call or read: " + string.Join(", ", offenders));
    }
}
