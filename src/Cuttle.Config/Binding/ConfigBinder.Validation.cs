using System.Text.Json;
using Cuttle.Config.Json;

namespace Cuttle.Config.Binding;

internal sealed partial class ConfigBinder
{
    /// <summary>
    /// krakend-jsonschema: the namespace's value itself is the schema (gojsonschema, drafts 4/6/7). A schema must be
    /// an object; KrakenD logs anything else and validates nothing, so it is a warning here.
    /// </summary>
    private JsonElement? BindJsonSchema(JsonNode? extra)
    {
        if (RawNamespace(extra, "validation/json-schema") is not { } found)
            return null;
        if (found.Kind != JsonNodeKind.Object)
        {
            Warning(found, $"\"validation/json-schema\" must be a JSON schema object, got {found.KindName}; KrakenD validates nothing then");
            return null;
        }
        return Element(found);
    }
}
