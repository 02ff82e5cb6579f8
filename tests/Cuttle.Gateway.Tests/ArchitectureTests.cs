using System.Text.RegularExpressions;

namespace Cuttle.Gateway.Tests;

/// <summary>
/// The folders of src/Cuttle.Gateway are its namespaces, and their dependencies go one way: a folder that uses
/// another (a <c>using Cuttle.Gateway.X</c> or a qualified <c>Cuttle.Gateway.X.</c>) is never used back, directly
/// or through others. A cycle is how a per-request switch crept in (Codecs decoding by an encoding name and calling
/// back into Proxy); the message names the cycle and the lines that make it.
/// </summary>
public sealed partial class ArchitectureTests
{
    /// <summary>
    /// Edges allowed to close a cycle, each with the reason it is not fixed yet. Empty: keep it so. Files at the
    /// gateway's root (GenerationBuilder, BuildContext, ...) are the composition root; folders see their types through
    /// the parent namespace without a using, which this test cannot tell apart, so the root is only a source.
    /// </summary>
    private static readonly HashSet<(string From, string To)> AllowedEdges = [];

    private const string Root = "(root)";

    [Fact]
    public void The_gateway_folders_depend_on_each_other_without_a_cycle()
    {
        var graph = FolderGraph(GatewaySourceDirectory());
        Assert.True(graph.Count > 5, "the gateway's folders were not found");

        // Every cycle, not only the first: each one found loses its closing edge and the search runs again.
        var messages = new List<string>();
        var remaining = Copy(graph);
        while (FindCycle(remaining) is { } cycle)
        {
            messages.Add(Describe(cycle, graph));
            remaining[cycle[^2]].Remove(cycle[^1]);
        }

        Assert.True(messages.Count == 0, string.Join("\n", messages));
    }

    [Fact]
    public void The_finder_reports_a_cycle_with_its_path()
    {
        // The detector itself, on a graph with a cycle two steps away from its first node.
        var graph = new SortedDictionary<string, SortedDictionary<string, string>>(StringComparer.Ordinal)
        {
            ["A"] = new(StringComparer.Ordinal) { ["B"] = "a.cs:1" },
            ["B"] = new(StringComparer.Ordinal) { ["C"] = "b.cs:1" },
            ["C"] = new(StringComparer.Ordinal) { ["B"] = "c.cs:1" },
        };

        Assert.Equal(["B", "C", "B"], FindCycle(graph));
        Assert.Null(FindCycle(new(StringComparer.Ordinal) { ["A"] = new(StringComparer.Ordinal) { ["B"] = "a.cs:1" } }));
    }

    /// <summary>folder → (folder it uses → the first file:line that uses it).</summary>
    private static SortedDictionary<string, SortedDictionary<string, string>> FolderGraph(string gatewayDir)
    {
        var folders = new HashSet<string>(StringComparer.Ordinal);
        foreach (var dir in Directory.GetDirectories(gatewayDir))
        {
            var name = Path.GetFileName(dir);
            if (name is not ("bin" or "obj")) folders.Add(name);
        }

        var graph = new SortedDictionary<string, SortedDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(gatewayDir, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(gatewayDir, file).Replace('\\', '/');
            var slash = relative.IndexOf('/', StringComparison.Ordinal);
            var from = slash < 0 ? Root : relative[..slash];
            if (from is "bin" or "obj") continue;
            if (!graph.TryGetValue(from, out var edges)) graph[from] = edges = new(StringComparer.Ordinal);

            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                if (NamespaceDeclaration().IsMatch(lines[i])) continue;
                foreach (Match m in GatewayReference().Matches(lines[i]))
                {
                    var to = m.Groups[1].Value;
                    if (to == from || !folders.Contains(to) || AllowedEdges.Contains((from, to))) continue;
                    edges.TryAdd(to, $"{relative}:{i + 1}");
                }
            }
        }
        return graph;
    }

    /// <summary>The first cycle found, as a path that starts and ends at the same folder; null when there is none.</summary>
    private static List<string>? FindCycle(SortedDictionary<string, SortedDictionary<string, string>> graph)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 on the stack, 2 done
        var path = new List<string>();

        List<string>? Visit(string node)
        {
            state[node] = 1;
            path.Add(node);
            if (graph.TryGetValue(node, out var edges))
            {
                foreach (var next in edges.Keys)
                {
                    var seen = state.GetValueOrDefault(next);
                    if (seen == 1) return [.. path[path.IndexOf(next)..], next];
                    if (seen == 0 && Visit(next) is { } cycle) return cycle;
                }
            }
            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }

        foreach (var node in graph.Keys)
        {
            if (state.GetValueOrDefault(node) == 0 && Visit(node) is { } cycle) return cycle;
        }
        return null;
    }

    private static SortedDictionary<string, SortedDictionary<string, string>> Copy(SortedDictionary<string, SortedDictionary<string, string>> graph)
    {
        var copy = new SortedDictionary<string, SortedDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var (node, edges) in graph) copy[node] = new(edges, StringComparer.Ordinal);
        return copy;
    }

    private static string Describe(List<string> cycle, SortedDictionary<string, SortedDictionary<string, string>> graph)
    {
        var lines = new List<string> { "namespace cycle in src/Cuttle.Gateway: " + string.Join(" → ", cycle) };
        for (var i = 0; i + 1 < cycle.Count; i++)
            lines.Add($"  {cycle[i]} → {cycle[i + 1]} at {graph[cycle[i]][cycle[i + 1]]}");
        return string.Join("\n", lines);
    }

    private static string GatewaySourceDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "Cuttle.Gateway");
            if (File.Exists(Path.Combine(candidate, "Cuttle.Gateway.csproj"))) return candidate;
        }
        throw new DirectoryNotFoundException("src/Cuttle.Gateway not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^\s*namespace\s")]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"\bCuttle\.Gateway\.([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex GatewayReference();
}
