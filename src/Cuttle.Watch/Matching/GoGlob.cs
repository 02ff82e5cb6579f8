namespace Cuttle.Watch.Matching;

/// <summary>
/// A port of Go's <c>path/filepath.Match</c> for '/' separators, because reflex's <c>-g</c> is exactly that:
/// <c>*</c> and <c>?</c> never cross '/', <c>[^a-z]</c> classes, '\' escapes, no <c>**</c>.
/// Microsoft.Extensions.FileSystemGlobbing is not used here: its <c>**</c>, case rules and directory-walking model
/// differ from filepath.Match, and reflex users' globs must keep their meaning.
/// </summary>
internal static class GoGlob
{
    /// <summary>Returns whether <paramref name="name"/> matches; throws <see cref="FormatException"/> for a malformed pattern.</summary>
    public static bool IsMatch(string pattern, string name)
    {
        if (!TryMatch(pattern.AsSpan(), name.AsSpan(), out var matched))
        {
            throw new FormatException($"bad glob pattern '{pattern}' (unclosed '[', dangling '\\' or empty range)");
        }

        return matched;
    }

    /// <summary>Go reports ErrBadPattern lazily; checking against "" walks every chunk, as filepath.Match does on failure.</summary>
    public static bool IsValid(string pattern) => TryMatch(pattern.AsSpan(), ReadOnlySpan<char>.Empty, out _);

    private static bool TryMatch(ReadOnlySpan<char> pattern, ReadOnlySpan<char> name, out bool matched)
    {
        matched = false;
    Pattern:
        while (pattern.Length > 0)
        {
            ScanChunk(ref pattern, out var star, out var chunk);
            if (star && chunk.Length == 0)
            {
                // Trailing * matches the rest of the name unless it has a '/'.
                matched = name.IndexOf('/') < 0;
                return true;
            }

            if (!MatchChunk(chunk, name, out var used, out var ok))
            {
                return false;
            }

            if (ok && (name.Length == used || pattern.Length > 0))
            {
                name = name[used..];
                continue;
            }

            if (star)
            {
                // Look for a match skipping i+1 characters; '*' cannot skip '/'.
                for (var i = 0; i < name.Length && name[i] != '/'; i++)
                {
                    var tail = name[(i + 1)..];
                    if (!MatchChunk(chunk, tail, out used, out ok))
                    {
                        return false;
                    }

                    if (ok)
                    {
                        if (pattern.Length == 0 && tail.Length > used)
                        {
                            continue;
                        }

                        name = tail[used..];
                        goto Pattern;
                    }
                }
            }

            // Before returning false, check that the remainder of the pattern is well formed (as Go does).
            while (pattern.Length > 0)
            {
                ScanChunk(ref pattern, out _, out chunk);
                if (!MatchChunk(chunk, ReadOnlySpan<char>.Empty, out _, out _))
                {
                    return false;
                }
            }

            return true;
        }

        matched = name.Length == 0;
        return true;
    }

    private static void ScanChunk(ref ReadOnlySpan<char> pattern, out bool star, out ReadOnlySpan<char> chunk)
    {
        star = false;
        while (pattern.Length > 0 && pattern[0] == '*')
        {
            pattern = pattern[1..];
            star = true;
        }

        var inRange = false;
        var i = 0;
        for (; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\')
            {
                if (i + 1 < pattern.Length)
                {
                    i++;
                }
            }
            else if (c == '[')
            {
                inRange = true;
            }
            else if (c == ']')
            {
                inRange = false;
            }
            else if (c == '*' && !inRange)
            {
                break;
            }
        }

        chunk = pattern[..i];
        pattern = pattern[i..];
    }

    /// <summary>Returns false for a bad pattern; otherwise <paramref name="ok"/> tells whether the chunk matched <paramref name="used"/> chars.</summary>
    private static bool MatchChunk(ReadOnlySpan<char> chunk, ReadOnlySpan<char> s, out int used, out bool ok)
    {
        used = 0;
        var length = s.Length;
        ok = false;
        var failed = false;
        while (chunk.Length > 0)
        {
            if (!failed && s.Length == 0)
            {
                failed = true;
            }

            switch (chunk[0])
            {
                case '[':
                {
                    var r = '\0';
                    if (!failed)
                    {
                        r = s[0];
                        s = s[1..];
                    }

                    chunk = chunk[1..];
                    var negated = false;
                    if (chunk.Length > 0 && chunk[0] == '^')
                    {
                        negated = true;
                        chunk = chunk[1..];
                    }

                    var match = false;
                    var ranges = 0;
                    while (true)
                    {
                        if (chunk.Length > 0 && chunk[0] == ']' && ranges > 0)
                        {
                            chunk = chunk[1..];
                            break;
                        }

                        if (!GetEscaped(ref chunk, out var lo))
                        {
                            return false;
                        }

                        var hi = lo;
                        if (chunk[0] == '-')
                        {
                            chunk = chunk[1..];
                            if (!GetEscaped(ref chunk, out hi))
                            {
                                return false;
                            }
                        }

                        if (lo <= r && r <= hi)
                        {
                            match = true;
                        }

                        ranges++;
                    }

                    if (match == negated)
                    {
                        failed = true;
                    }

                    break;
                }

                case '?':
                    if (!failed)
                    {
                        if (s[0] == '/')
                        {
                            failed = true;
                        }

                        s = s[1..];
                    }

                    chunk = chunk[1..];
                    break;

                default:
                    if (chunk[0] == '\\')
                    {
                        chunk = chunk[1..];
                        if (chunk.Length == 0)
                        {
                            return false;
                        }
                    }

                    if (!failed)
                    {
                        if (chunk[0] != s[0])
                        {
                            failed = true;
                        }

                        s = s[1..];
                    }

                    chunk = chunk[1..];
                    break;
            }
        }

        if (!failed)
        {
            ok = true;
            used = length - s.Length;
        }

        return true;
    }

    private static bool GetEscaped(ref ReadOnlySpan<char> chunk, out char r)
    {
        r = '\0';
        if (chunk.Length == 0 || chunk[0] == '-' || chunk[0] == ']')
        {
            return false;
        }

        if (chunk[0] == '\\')
        {
            chunk = chunk[1..];
            if (chunk.Length == 0)
            {
                return false;
            }
        }

        r = chunk[0];
        chunk = chunk[1..];
        return chunk.Length > 0;
    }
}
