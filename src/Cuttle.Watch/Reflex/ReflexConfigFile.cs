namespace Cuttle.Watch.Reflex;

/// <summary>
/// reflex's config file (config.go readConfigsFromReader): one reflex per non-blank line not starting with '#',
/// written as its flags and command without the word "reflex"; sh quoting; a trailing '\' or an open quote continues
/// onto the next line; the source is the first line's number.
/// </summary>
public static class ReflexConfigFile
{
    /// <exception cref="WatchException">An unterminated quote or continuation at the end of the file.</exception>
    public static List<(string[] Args, string Source)> Read(TextReader reader, string name)
    {
        var result = new List<(string[], string)>();
        var buffered = string.Empty;
        var startLine = 0;
        var lineNo = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNo++;
            if (buffered.Length == 0)
            {
                var trimmed = line.Trim();
                if (trimmed.Length == 0 || trimmed.StartsWith('#'))
                {
                    continue;
                }

                startLine = lineNo;
            }

            buffered += line + "\n";
            if (!ShellWords.TrySplit(buffered.TrimEnd('\n'), out var words))
            {
                continue;
            }

            result.Add(([.. words], $"{name}, line {startLine}"));
            buffered = string.Empty;
        }

        if (buffered.Length > 0)
        {
            throw new WatchException($"{name}, line {startLine}: unterminated quote or line continuation at end of file");
        }

        return result;
    }
}
