using System.Collections.Immutable;
using System.Security.Cryptography;
using Cuttle.Config.Binding;
using Cuttle.Config.Diagnostics;
using Cuttle.Config.FlexibleConfig;
using Cuttle.Config.Formats;
using Cuttle.Config.Model;

namespace Cuttle.Config;

/// <summary>Reads a krakend.json, .yaml or .toml (version 3) into an immutable <see cref="GatewayConfig"/> with KrakenD's defaults.</summary>
public static class ConfigLoader
{
    /// <summary>Reads and parses a file. Diagnostics name the file as given; <see cref="GatewayConfig.SourcePath"/> is its full path.</summary>
    public static ConfigLoadResult Load(string path, ConfigLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
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
            return Fail(path, Directory.Exists(path) ? "the configuration path is a directory, expected a configuration file" : "permission denied reading the configuration file");
        }
        catch (IOException ex)
        {
            return Fail(path, "cannot read the configuration file: " + ex.Message);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            return Fail(path, "invalid configuration file path: " + ex.Message);
        }
        return ParseCore(bytes, path, fullPath, options, ConfigFormats.FromPath(path));
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
        var format = RenderedFormat(path, rendered.OutPath);
        var result = ParseCore(rendered.Rendered, shownName, fullPath, options, format);
        var note = rendered.OutPath is null
            ? $" (rendered from template {path}; set FC_OUT to keep the rendered file)"
            : $" (rendered from template {path} into FC_OUT {rendered.OutPath})";
        var warnings = rendered.Warnings;
        if (format != ConfigFormat.Json && rendered.OutPath is null)
            warnings = warnings.Add($"the template is {ConfigFormats.Name(format)} and FC_OUT is not set: KrakenD parses the rendered output as JSON (its temporary file ends in .json) and would refuse it; set FC_OUT to a .{(format == ConfigFormat.Toml ? "toml" : "yaml")} path");
        var diagnostics = warnings.Select(w => new ConfigDiagnostic(DiagnosticSeverity.Warning, w, new SourceLocation(path, 0, 0, "")))
            .Concat(result.Diagnostics.Select(d => d with { Message = d.Message + note })).ToImmutableArray();
        var config = result.Config is null ? null : result.Config with { ContentHash = rendered.ContentHash, ReferencedFiles = rendered.Files };
        return new ConfigLoadResult(config, diagnostics);
    }

    /// <summary>
    /// The syntax of the rendered template. krakend-flexibleconfig writes it to FC_OUT or to a temporary file ending
    /// in .json and parses that by extension; Cuttle takes FC_OUT's extension, else the template's own, so a
    /// krakend.yaml template renders as YAML (with a warning that KrakenD needs FC_OUT for that).
    /// </summary>
    private static ConfigFormat RenderedFormat(string templatePath, string? outPath)
        => outPath is not null ? ConfigFormats.FromPath(outPath) : ConfigFormats.FromPath(templatePath);

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
    /// <remarks>The syntax follows <paramref name="fileName"/>'s extension, as for a file.</remarks>
    public static ConfigLoadResult Parse(ReadOnlySpan<byte> utf8, string fileName, ConfigLoadOptions? options = null)
        => ParseCore(utf8.ToArray(), fileName, "", options ?? ConfigLoadOptions.Default, ConfigFormats.FromPath(fileName));

    private static ConfigLoadResult ParseCore(byte[] bytes, string fileName, string sourcePath, ConfigLoadOptions options, ConfigFormat format)
    {
        var original = bytes;
        var hash = new Lazy<string>(() => Convert.ToHexStringLower(SHA256.HashData(original)));
        // Editors on Windows may write a byte order mark; skip it rather than refuse the file.
        if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF)
            bytes = bytes[3..];
        return new ConfigBinder(bytes, fileName, sourcePath, hash, options, format).Bind();
    }

    private static ConfigLoadResult Fail(string file, string message)
        => new(null, [new ConfigDiagnostic(DiagnosticSeverity.Error, message, new SourceLocation(file, 0, 0, ""))]);
}
