using System.Collections.Frozen;

namespace Cuttle.Gateway.Backends.Martian;

/// <summary>
/// krakend-martian's static.Modifier: the request phase skips the backend call (and turns https into http); the
/// response phase serves the file at root + the cleaned request path, or its explicit mapping: 404 when it does not
/// exist, 401 and an error when it may not be read, 500 and an error otherwise. Content-Type is Go's
/// mime.TypeByExtension of its built-in table (empty for an extension it does not know).
/// </summary>
internal sealed class StaticStep(string root, FrozenDictionary<string, string> explicitPaths) : MartianStep
{
    private static readonly FrozenDictionary<string, string> MimeTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".avif"] = "image/avif",
        [".css"] = "text/css; charset=utf-8",
        [".gif"] = "image/gif",
        [".htm"] = "text/html; charset=utf-8",
        [".html"] = "text/html; charset=utf-8",
        [".jpeg"] = "image/jpeg",
        [".jpg"] = "image/jpeg",
        [".js"] = "text/javascript; charset=utf-8",
        [".json"] = "application/json",
        [".mjs"] = "text/javascript; charset=utf-8",
        [".pdf"] = "application/pdf",
        [".png"] = "image/png",
        [".svg"] = "image/svg+xml",
        [".wasm"] = "application/wasm",
        [".webp"] = "image/webp",
        [".xml"] = "text/xml; charset=utf-8",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    public override string? Request(MartianRequest request)
    {
        request.SkipRoundTrip = true;
        if (request.Scheme == "https") request.Scheme = "http";
        return null;
    }

    public override string? Response(MartianResponse response)
    {
        var requestPath = CleanRooted(response.Request.Path);
        var relative = explicitPaths.TryGetValue(requestPath, out var mapped) ? mapped : requestPath;
        var file = Path.Join(root, CleanRooted(relative).TrimStart('/'));
        byte[] body;
        try
        {
            body = File.ReadAllBytes(file);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            response.Status = 404;
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            response.Status = 401;
            return $"open {file}: permission denied";
        }
        catch (IOException ex)
        {
            response.Status = 500;
            return $"open {file}: {ex.Message}";
        }
        response.Set("Content-Type", MimeTypes.TryGetValue(Path.GetExtension(file), out var type) ? type : "");
        response.Body = body;
        return null;
    }

    /// <summary>Go's path.Clean of a path taken as rooted: no ".", "..", or repeated slashes, never above "/".</summary>
    internal static string CleanRooted(string path)
    {
        var parts = new List<string>();
        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment == ".") continue;
            if (segment == "..")
            {
                if (parts.Count > 0) parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(segment);
        }
        return "/" + string.Join('/', parts);
    }
}
