namespace Cuttle.Config.Json;

/// <summary>One member of a JSON object, with the position of its key (where "unknown field" points).</summary>
internal sealed record JsonMember(string Name, int Line, int Column, JsonNode Value);
