namespace Cuttle.Gateway.Cel.Language;

/// <summary>A CEL expression that does not parse (or names something KrakenD's environment does not declare).</summary>
internal sealed class CelSyntaxException(string message, int position) : Exception(message)
{
    /// <summary>0-based offset into the expression text.</summary>
    public int Position { get; } = position;

    /// <summary>"column N: message", the 1-based column cel-go's issues report.</summary>
    public string Describe() => $"column {Position + 1}: {Message}";
}
