namespace Cuttle.Config.Model;

/// <summary>Where a node of the configuration came from: file, 1-based line and column, and its JSON path.</summary>
public sealed record SourceLocation(string File, int Line, int Column, string JsonPath)
{
    public static SourceLocation None { get; } = new("", 0, 0, "");

    public override string ToString() => Line > 0 ? $"{File}:{Line}:{Column} ({JsonPath})" : JsonPath;
}
