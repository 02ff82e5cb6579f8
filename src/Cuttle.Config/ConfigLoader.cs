using System.Collections.Immutable;
using System.Security.Cryptography;
using Cuttle.Config.Binding;
using Cuttle.Config.Diagnostics;
using Cuttle.Config.FlexibleConfig;
using Cuttle.Config.Model;

namespace Cuttle.Config;

/// <summary>Reads a krakend.json (version 3) into an immutable <see cref="GatewayConfig"/> with KrakenD's defaults.</summary>
public static class ConfigLoader
{
    /// <summary>Reads and parses a file. Diagnostics name the file as given; <see cref="GatewayConfig.SourcePath"/> is its full path.</summary>
    public static ConfigLoadResult Load(string path, ConfigLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var ext = Path.GetExtension(path).ToLowerInvariant();
        // KrakenD picks the parser by extension (krakend-koanf); Cuttle reads JSON only for now.
        if (ext is ".yml" or ".yaml" or ".toml")
        {
            return Fail(path, $"{(ext == ".toml" ? "TOML" : "YAML")} configuration files are not supported by Cuttle; convert the file to JSON (krakend.json)");
        }
        options ??= ConfigLoadOptions.Default;
        var env = EnvironmentLookup(options);
        if (FlexibleConfigRenderer.IsEnabled(env))
            return LoadTemplate(path, options, env);
        byte[] bytes;
        string fullPath;
        try
        {
            fullPath = Path.GetFullPath(path);
            bytes = File.ReadAllBytes(fullPath);
        }
        catch (FileNotFoundException)
        {
            return Fail(path, "configuration file not found");
        }
        catch (DirectoryNotFoundException)
        {
            return Fail(path, "configuration file not found (the directory does not exist)");
        }
        catch (UnauthorizedAccessException)
        {
            return Fail(path, Directory.Exists(path) ? "the configuration path is a directory, expected a JSON file" : "permission denied reading the configuration file");
        }
        catch (IOException ex)
        {
            return Fail(path, "cannot read the configuration file: " + ex.Message);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            return Fail(path, "invalid configuration file path: " + ex.Message);
        }
        return ParseCore(bytes, path, fullPath, options);
    }

    /// <summary>
    /// FC_ENABLE set: render the template first (KrakenD CE main.go wraps its parser the same way), then parse the
    /// rendered JSON. KrakenD logs a template error and falls back to the raw file; Cuttle reports it with file:line.
    /// </summary>
    private static ConfigLoadResult LoadTemplate(string path, ConfigLoadOptions options, Func<string, string?> env)
    {
        if (!File.Exists(path))
            return Fail(path, Directory.Exists(path) ? "the configuration path is a directory, expected a template file" : "configuration template not found");
        FlexibleConfigResult rendered;
        try
        {
            rendered = FlexibleConfigRenderer.Render(path, env);
        }
        catch (FlexibleConfigException ex)
        {
            if (ex.Template is { } t)
                return new(null, [new ConfigDiagnostic(DiagnosticSeverity.Error, ex.Message[..(ex.Message.IndexOf(':', StringComparison.Ordinal) + 1)] + " " + t.Detail, new SourceLocation(TemplatePath(path, t.File), t.Line, t.Column, "{{template}}"))]);
            return Fail(path, ex.Message);
        }
        var fullPath = Path.GetFullPath(path);
        var shownName = rendered.OutPath ?? path + " (rendered)";
        var result = ParseCore(rendered.Rendered, shownName, fullPath, options);
        var note = rendered.OutPath is null
            ? $" (rendered from template {path}; set FC_OUT to keep the rendered file)"
            : $" (rendered from template {path} into FC_OUT {rendered.OutPath})";
        var diagnostics = rendered.Warnings.Select(w => new ConfigDiagnostic(DiagnosticSeverity.Warning, w, new SourceLocation(path, 0, 0, "")))
            .Concat(result.Diagnostics.Select(d => d with { Message = d.Message + note })).ToImmutableArray();
        var config = result.Config is null ? null : result.Config with { ContentHash = rendered.ContentHash, ReferencedFiles = rendered.Files };
        return new ConfigLoadResult(config, diagnostics);
    }

    /// <summary>Errors in the main template name it as given; errors in FC_TEMPLATES files name the file alone.</summary>
    private static string TemplatePath(string path, string templateName)
        => Path.GetFileName(path) == templateName ? path : templateName;

    private static Func<string, string?> EnvironmentLookup(ConfigLoadOptions options)
    {
        if (options.Environment is { } vars)
            return name => vars.TryGetValue(name, out var v) ? v : null;
        return System.Environment.GetEnvironmentVariable;
    }

    /// <summary>Parses bytes already in memory; <paramref name="fileName"/> is only used in diagnostics.</summary>
    public static ConfigLoadResult Parse(ReadOnlySpan<byte> utf8, string fileName, ConfigLoadOptions? options = null)
        => ParseCore(utf8.ToArray(), fileName, "", options ?? ConfigLoadOptions.Default);

    private static ConfigLoadResult ParseCore(byte[] bytes, string fileName, string sourcePath, ConfigLoadOptions options)
    {
        var original = bytes;
        var hash = new Lazy<string>(() => Convert.ToHexStringLower(SHA256.HashData(original)));
        // Editors on Windows may write a byte order mark; skip it rather than refuse the file.
        if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF)
            bytes = bytes[3..];
        return new ConfigBinder(bytes, fileName, sourcePath, hash, options).Bind();
    }

    private static ConfigLoadResult Fail(string file, string message)
        => new(null, [new ConfigDiagnostic(DiagnosticSeverity.Error, message, new SourceLocation(file, 0, 0, ""))]);
}
