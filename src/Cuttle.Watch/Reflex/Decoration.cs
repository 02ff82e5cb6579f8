namespace Cuttle.Watch.Reflex;

/// <summary><c>-d</c>: how output lines are prefixed (reflex print.go).</summary>
public enum Decoration
{
    None,
    Plain,
    Fancy,
}
