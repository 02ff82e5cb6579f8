using System.Collections.Immutable;
using Cuttle.Config.Json;
using Cuttle.Config.Model;

namespace Cuttle.Config.Binding;

internal sealed partial class ConfigBinder
{
    /// <summary>
    /// krakend-cel ConfigGetter: the value is a list of {"check_expr": "..."} objects (mod_expr is declared but never
    /// evaluated by the check proxies). A value of another shape decodes to nothing in KrakenD, which then runs no
    /// checks, so that is a warning. Empty expressions are kept out: krakend-cel never evaluates them.
    /// </summary>
    private ImmutableArray<CelCheck> BindCel(JsonNode? extra)
    {
        const string ns = "validation/cel";
        if (RawNamespace(extra, ns) is not { } v)
            return [];
        if (v.Kind != JsonNodeKind.Array)
        {
            Warning(v, $"\"{ns}\" must be a list of {{\"check_expr\": \"...\"}} objects, got {v.KindName}; KrakenD runs no checks then");
            return [];
        }
        var checks = ImmutableArray.CreateBuilder<CelCheck>(v.Items.Length);
        foreach (var item in v.Items)
        {
            if (item.Kind != JsonNodeKind.Object)
            {
                Warning(item, $"\"{ns}\" entries must be objects with a \"check_expr\", got {item.KindName}; KrakenD runs no checks then");
                return [];
            }
            if (item["check_expr"] is not { } expr)
                continue;
            var text = ReadString(expr, $"{ns}.check_expr", null);
            if (!string.IsNullOrWhiteSpace(text))
                checks.Add(new CelCheck(text, Loc(expr)));
        }
        return checks.ToImmutable();
    }
}
