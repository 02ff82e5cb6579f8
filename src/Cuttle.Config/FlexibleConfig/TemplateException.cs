namespace Cuttle.Config.FlexibleConfig;

/// <summary>A template parse or execution error, already located as <c>file:line:col</c>.</summary>
internal sealed class TemplateException(string file, int line, int column, string detail) : Exception($"{file}:{line}:{column}: {detail}")
{
    public string File { get; } = file;
    public int Line { get; } = line;
    public int Column { get; } = column;
    public string Detail { get; } = detail;
}
