using System.Text.Json;

namespace Cuttle.Config.FlexibleConfig;

/// <summary>
/// Go text/template for output formats outside configuration files (<c>cuttle audit --format</c>): the same parser,
/// executor and function map as Flexible Configuration, over data given as JSON (objects are maps, so <c>.Rule</c>
/// reads the key "Rule").
/// </summary>
public static class GoTemplate
{
    /// <summary>Renders <paramref name="text"/> with <paramref name="data"/>; throws <see cref="FormatException"/> on a template error.</summary>
    public static string Render(string name, string text, JsonElement data, Func<string, object?[], (bool Found, object? Value)>? functions = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(text);
        var templates = new Dictionary<string, TemplateDefinition>(StringComparer.Ordinal);
        try
        {
            TemplateParser.Parse(new TemplateSource(name, text), templates);
            return new TemplateExecutor(templates, new TemplateFunctions(_ => null, _ => "", functions)).Execute(name, GoValues.FromJson(data));
        }
        catch (TemplateException ex)
        {
            throw new FormatException("template: " + ex.Message, ex);
        }
    }

    /// <summary>fmt's <c>%v</c> of a JSON value as Go decodes it (maps with sorted keys, float64 numbers, &lt;nil&gt;).</summary>
    public static string Print(JsonElement value) => GoValues.Print(GoValues.FromJson(value), top: false);
}
