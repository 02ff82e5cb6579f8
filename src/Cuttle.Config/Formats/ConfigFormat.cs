namespace Cuttle.Config.Formats;

/// <summary>The syntax a configuration file is written in.</summary>
public enum ConfigFormat { Json, Yaml, Toml }

/// <summary>Picks the syntax by extension as krakend-koanf does: .yml/.yaml YAML, .toml TOML, anything else JSON.</summary>
public static class ConfigFormats
{
    public static ConfigFormat FromPath(string path)
    {
        var ext = Path.GetExtension(path);
        if (ext.Equals(".yml", StringComparison.OrdinalIgnoreCase) || ext.Equals(".yaml", StringComparison.OrdinalIgnoreCase))
            return ConfigFormat.Yaml;
        return ext.Equals(".toml", StringComparison.OrdinalIgnoreCase) ? ConfigFormat.Toml : ConfigFormat.Json;
    }

    public static string Name(ConfigFormat format) => format switch
    {
        ConfigFormat.Yaml => "YAML",
        ConfigFormat.Toml => "TOML",
        _ => "JSON",
    };
}
