using Cuttle.Config.Json;
using Cuttle.Config.Model;

namespace Cuttle.Config.Binding;

internal sealed partial class ConfigBinder
{
    /// <summary>
    /// layers.global.semantic_convention: krakend-otel knows "1.27" (its server and client metric fillers) and quietly
    /// falls back to its default names for anything else; Cuttle does the same and says so at the value.
    /// </summary>
    private string SemanticConvention(JsonNode? node, string field)
    {
        if (node is null)
            return "";
        var value = ReadString(node, field, "") ?? "";
        if (value.Length > 0 && !GlobalLayerOptions.IsKnownSemanticConvention(value))
            Warning(node, $"{field} \"{value}\" is not a semantic convention krakend-otel knows (\"{GlobalLayerOptions.SemanticConvention127}\"): the default metric names are used, as KrakenD does");
        return value;
    }
}
