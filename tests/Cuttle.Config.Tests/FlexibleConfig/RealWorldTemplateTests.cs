using Cuttle.Config.FlexibleConfig;

namespace Cuttle.Config.Tests.FlexibleConfig;

/// <summary>
/// The flexible-configuration templates in ../shared/realworld-configs (INDEX.tsv template=yes). Every one must
/// parse; rendering needs the repository's FC_SETTINGS directory, which the corpus keeps only when it has
/// <c>files/&lt;owner&gt;__&lt;repo&gt;__settings/</c> (and optionally <c>__templates/</c>, <c>__partials/</c>) beside it.
/// </summary>
public sealed class RealWorldTemplateTests
{
    public static TheoryData<string> Templates()
    {
        var data = new TheoryData<string>();
        var index = Path.Combine(RepoPaths.RealWorld, "INDEX.tsv");
        if (!File.Exists(index))
        {
            data.Add("");
            return data;
        }
        foreach (var line in File.ReadLines(index).Skip(1))
        {
            var cols = line.Split('\t');
            if (cols.Length >= 7 && cols[6] == "yes") data.Add(cols[0]);
        }
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Templates))]
    public void RealWorldTemplate_Parses(string file)
    {
        Skip.If(file.Length == 0, "../shared/realworld-configs not present (fresh clone); skipping");
        var path = Path.Combine(RepoPaths.RealWorld, file);
        var templates = new Dictionary<string, TemplateDefinition>(StringComparer.Ordinal);
        TemplateParser.Parse(new TemplateSource(Path.GetFileName(path), File.ReadAllText(path)), templates);
        Assert.True(templates.ContainsKey(Path.GetFileName(path)));
    }

    [SkippableTheory]
    [MemberData(nameof(Templates))]
    public void RealWorldTemplate_RendersAndLoadsWithItsSettings(string file)
    {
        Skip.If(file.Length == 0, "../shared/realworld-configs not present (fresh clone); skipping");
        var path = Path.Combine(RepoPaths.RealWorld, file);
        var parts = Path.GetFileName(file).Split("__");
        var prefix = Path.Combine(Path.GetDirectoryName(path)!, parts[0] + "__" + parts[1] + "__");
        Skip.IfNot(Directory.Exists(prefix + "settings"), $"{parts[0]}/{parts[1]}: its FC_SETTINGS directory is not in the corpus, so the template cannot be rendered");
        var env = new Dictionary<string, string> { ["FC_ENABLE"] = "1", ["FC_SETTINGS"] = prefix + "settings" };
        if (Directory.Exists(prefix + "templates")) env["FC_TEMPLATES"] = prefix + "templates";
        if (Directory.Exists(prefix + "partials")) env["FC_PARTIALS"] = prefix + "partials";
        var result = ConfigLoader.Load(path, new ConfigLoadOptions { Environment = env });
        Assert.True(result.Success, string.Join('\n', result.Diagnostics));
    }
}
