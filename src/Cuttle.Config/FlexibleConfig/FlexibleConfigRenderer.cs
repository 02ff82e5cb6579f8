using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Cuttle.Config.FlexibleConfig;

/// <summary>
/// KrakenD Flexible Configuration (krakend-flexibleconfig, wired in krakend-ce main.go): when FC_ENABLE is non-empty
/// the config file is a Go text/template executed with the FC_SETTINGS data; FC_TEMPLATES adds named templates,
/// FC_PARTIALS serves <c>include</c>, FC_OUT keeps the rendered file.
/// </summary>
internal static class FlexibleConfigRenderer
{
    /// <summary>KrakenD enables flexible configuration for any non-empty FC_ENABLE, "0" included.</summary>
    public static bool IsEnabled(Func<string, string?> env) => !string.IsNullOrEmpty(env("FC_ENABLE"));

    /// <summary>Renders <paramref name="templatePath"/>; throws <see cref="FlexibleConfigException"/> with a specific message.</summary>
    public static FlexibleConfigResult Render(string templatePath, Func<string, string?> env)
    {
        ArgumentNullException.ThrowIfNull(templatePath);
        ArgumentNullException.ThrowIfNull(env);
        var files = new List<string>();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        string ReadText(string path)
        {
            var bytes = File.ReadAllBytes(path);
            var full = Path.GetFullPath(path);
            files.Add(full);
            hash.AppendData(Encoding.UTF8.GetBytes(full + "\0"));
            hash.AppendData(bytes);
            return Encoding.UTF8.GetString(bytes.AsSpan(bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0));
        }

        var data = new SortedDictionary<string, object?>(StringComparer.Ordinal);
        var settingsDir = env("FC_SETTINGS");
        if (!string.IsNullOrEmpty(settingsDir))
        {
            var errors = new List<string>();
            foreach (var file in ListDir(settingsDir, ".json", "FC_SETTINGS"))
            {
                try
                {
                    using var doc = JsonDocument.Parse(ReadText(file), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Disallow });
                    if (doc.RootElement.ValueKind != JsonValueKind.Object)
                    {
                        // Go unmarshals each settings file into map[string]interface{}.
                        errors.Add($"\t- {Path.GetFileName(file)}: expected a JSON object at the top level, found {doc.RootElement.ValueKind.ToString().ToLowerInvariant()}");
                        continue;
                    }
                    data[Path.GetFileNameWithoutExtension(file)] = GoValues.FromJson(doc.RootElement);
                }
                catch (JsonException ex)
                {
                    errors.Add($"\t- {Path.GetFileName(file)}: invalid JSON at line {ex.LineNumber + 1}: {ex.Message.Split(" LineNumber", 2)[0].TrimEnd('.', ' ')}");
                }
                catch (IOException ex)
                {
                    errors.Add($"\t- {Path.GetFileName(file)}: {ex.Message}");
                }
            }
            if (errors.Count > 0)
                throw new FlexibleConfigException("loading flexible-config settings:\n" + string.Join('\n', errors));
        }

        var templates = new Dictionary<string, TemplateDefinition>(StringComparer.Ordinal);
        var mainName = Path.GetFileName(templatePath);
        string mainText;
        try
        {
            mainText = ReadText(templatePath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new FlexibleConfigException("cannot read the configuration template: " + ex.Message);
        }
        try
        {
            TemplateParser.Parse(new TemplateSource(mainName, mainText), templates);
            var templatesDir = env("FC_TEMPLATES");
            if (!string.IsNullOrEmpty(templatesDir))
            {
                foreach (var file in ListDir(templatesDir, ".tmpl", "FC_TEMPLATES"))
                    TemplateParser.Parse(new TemplateSource(Path.GetFileName(file), ReadText(file)), templates);
            }
        }
        catch (TemplateException ex)
        {
            throw new FlexibleConfigException("template parse error: " + ex.Message, ex);
        }

        var partialsDir = env("FC_PARTIALS");
        var warnings = new List<string>();
        string Include(string name)
        {
            // KrakenD joins FC_PARTIALS (or the working directory) with the name and inserts the raw bytes; a
            // missing partial silently becomes "" there. Cuttle keeps that (the file may be optional) but warns.
            var path = Path.Combine(string.IsNullOrEmpty(partialsDir) ? "." : partialsDir, name);
            try
            {
                return ReadText(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                var where = string.IsNullOrEmpty(partialsDir) ? "FC_PARTIALS is not set" : $"looked in FC_PARTIALS {partialsDir}";
                var warning = $"include: partial \"{name}\" not found ({where}); inserted nothing, as KrakenD does";
                if (!warnings.Contains(warning)) warnings.Add(warning);
                return "";
            }
        }

        string rendered;
        try
        {
            rendered = new TemplateExecutor(templates, new TemplateFunctions(env, Include)).Execute(mainName, data);
        }
        catch (TemplateException ex)
        {
            throw new FlexibleConfigException("template error: " + ex.Message, ex);
        }

        var output = Encoding.UTF8.GetBytes(rendered);
        var outPath = env("FC_OUT");
        if (!string.IsNullOrEmpty(outPath))
        {
            try
            {
                File.WriteAllBytes(outPath, output);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new FlexibleConfigException($"cannot write FC_OUT file {outPath}: {ex.Message}");
            }
        }
        return new FlexibleConfigResult(output, Convert.ToHexStringLower(hash.GetHashAndReset()), [.. files.Distinct(StringComparer.Ordinal)], string.IsNullOrEmpty(outPath) ? null : outPath, [.. warnings]);
    }

    private static string[] ListDir(string dir, string ext, string variable)
    {
        if (!Directory.Exists(dir))
            throw new FlexibleConfigException($"{variable} directory \"{dir}\" does not exist");
        var files = Directory.GetFiles(dir, "*" + ext);
        // Go's ioutil.ReadDir returns names sorted, so later files win in the same order.
        Array.Sort(files, StringComparer.Ordinal);
        return files;
    }
}
