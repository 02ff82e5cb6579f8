namespace Cuttle.Config.FlexibleConfig;

/// <summary>A template function rejected its arguments; the executor adds file:line.</summary>
internal sealed class TemplateFunctionException(string message) : Exception(message);
