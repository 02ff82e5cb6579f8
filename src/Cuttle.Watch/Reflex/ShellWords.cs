using System.Text;

namespace Cuttle.Watch.Reflex;

/// <summary>sh-style word splitting as go-shellquote's Split, which reflex uses for config-file lines.</summary>
internal static class ShellWords
{
    /// <summary>Splits <paramref name="input"/>; returns false when a quote or a trailing backslash is unterminated.</summary>
    public static bool TrySplit(string input, out List<string> words)
    {
        words = [];
        var current = new StringBuilder();
        var inWord = false;
        var i = 0;
        while (i < input.Length)
        {
            var c = input[i];
            if (c is ' ' or '\t' or '\n' or '\r')
            {
                if (inWord)
                {
                    words.Add(current.ToString());
                    current.Clear();
                    inWord = false;
                }

                i++;
                continue;
            }

            inWord = true;
            if (c == '\\')
            {
                if (i + 1 >= input.Length)
                {
                    return false;
                }

                // Backslash-newline is a line continuation and vanishes.
                if (input[i + 1] != '\n')
                {
                    current.Append(input[i + 1]);
                }
                else if (current.Length == 0)
                {
                    inWord = false;
                }

                i += 2;
            }
            else if (c == '\'')
            {
                var end = input.IndexOf('\'', i + 1);
                if (end < 0)
                {
                    return false;
                }

                current.Append(input, i + 1, end - i - 1);
                i = end + 1;
            }
            else if (c == '"')
            {
                i++;
                while (true)
                {
                    if (i >= input.Length)
                    {
                        return false;
                    }

                    var d = input[i];
                    if (d == '"')
                    {
                        i++;
                        break;
                    }

                    if (d == '\\' && i + 1 < input.Length && input[i + 1] is '$' or '`' or '"' or '\\' or '\n')
                    {
                        if (input[i + 1] != '\n')
                        {
                            current.Append(input[i + 1]);
                        }

                        i += 2;
                        continue;
                    }

                    current.Append(d);
                    i++;
                }
            }
            else
            {
                current.Append(c);
                i++;
            }
        }

        if (inWord)
        {
            words.Add(current.ToString());
        }

        return true;
    }
}
