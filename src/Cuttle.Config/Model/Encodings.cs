namespace Cuttle.Config.Model;

/// <summary>Encoding names KrakenD accepts for backend <c>encoding</c> and endpoint <c>output_encoding</c>.</summary>
public static class Encodings
{
    public const string Json = "json";
    public const string SafeJson = "safejson";
    public const string String = "string";
    public const string NoOp = "no-op";
    public const string Xml = "xml";
    public const string Rss = "rss";
    public const string JsonCollection = "json-collection";
    public const string Negotiate = "negotiate";
    public const string Yaml = "yaml";
}
