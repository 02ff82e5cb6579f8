namespace Cuttle.Config.FlexibleConfig;

/// <summary>A template's text and name, with offset → line:column mapping for error messages.</summary>
internal sealed class TemplateSource
{
    private readonly int[] _lineStarts;

    public TemplateSource(string name, string text)
    {
        Name = name;
        Text = text;
        var starts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
            if (text[i] == '\n') starts.Add(i + 1);
        _lineStarts = [.. starts];
    }

    public string Name { get; }
    public string Text { get; }

    public TemplateException Error(int pos, string detail)
    {
        var idx = Array.BinarySearch(_lineStarts, pos);
        if (idx < 0) idx = ~idx - 1;
        return new TemplateException(Name, idx + 1, pos - _lineStarts[idx] + 1, detail);
    }
}
