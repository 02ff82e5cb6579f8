using Cuttle.Config.Model;

namespace Cuttle.Config.Diagnostics;

public enum DiagnosticSeverity { Error, Warning }

/// <summary>One finding about a configuration: what is wrong, what is expected, and where.</summary>
public sealed record ConfigDiagnostic(DiagnosticSeverity Severity, string Message, SourceLocation Location)
{
    /// <summary>Renders as <c>file:line:col: error: message (at json.path)</c>, the shape compilers use.</summary>
    public override string ToString()
    {
        var sev = Severity == DiagnosticSeverity.Error ? "error" : "warning";
        if (Location.Line > 0)
            return $"{Location.File}:{Location.Line}:{Location.Column}: {sev}: {Message} (at {Location.JsonPath})";
        return string.IsNullOrEmpty(Location.JsonPath) ? $"{Location.File}: {sev}: {Message}" : $"{Location.File}: {sev}: {Message} (at {Location.JsonPath})";
    }
}
