namespace Cuttle.Config.FlexibleConfig;

/// <summary>Flexible configuration could not be rendered; the message is meant for the user as it is.</summary>
internal sealed class FlexibleConfigException(string message, TemplateException? template = null) : Exception(message)
{
    public TemplateException? Template { get; } = template;
}
