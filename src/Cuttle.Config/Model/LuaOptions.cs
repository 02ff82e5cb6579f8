using System.Collections.Immutable;

namespace Cuttle.Config.Model;

/// <summary>
/// extra_config."modifier/lua-endpoint" | "modifier/lua-proxy" | "modifier/lua-backend" (krakend-lua config.go).
/// <see cref="Sources"/> are file paths relative to the working directory, as KrakenD reads them.
/// </summary>
public sealed record LuaOptions
{
    /// <summary>The namespace these options came from (for error messages).</summary>
    public string Namespace { get; init; } = "";
    public ImmutableArray<string> Sources { get; init; } = [];
    public string Pre { get; init; } = "";
    public string Post { get; init; } = "";

    /// <summary>Re-read the source files on every request instead of once per configuration load.</summary>
    public bool Live { get; init; }
    public bool AllowOpenLibs { get; init; }

    /// <summary>Do not call the next layer; the post script gets an empty response.</summary>
    public bool SkipNext { get; init; }

    /// <summary>md5 checksums the source files must match (file → lowercase hex).</summary>
    public ImmutableDictionary<string, string> Md5 { get; init; } = ImmutableDictionary<string, string>.Empty;

    public SourceLocation Location { get; init; } = SourceLocation.None;
}
