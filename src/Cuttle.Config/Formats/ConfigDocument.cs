using Cuttle.Config.Json;

namespace Cuttle.Config.Formats;

/// <summary>
/// Reads any of the three syntaxes into the same positioned <see cref="JsonNode"/> tree, so binding, defaults and
/// every later diagnostic are the same whatever the file was written in and point into that file.
/// </summary>
internal static class ConfigDocument
{
    public static JsonNode? Read(byte[] utf8, ConfigFormat format, out JsonSyntaxError? error) => format switch
    {
        ConfigFormat.Yaml => YamlNodeReader.Read(utf8, out error),
        ConfigFormat.Toml => TomlNodeReader.Read(utf8, out error),
        _ => JsonNodeReader.Read(utf8, out error),
    };
}
