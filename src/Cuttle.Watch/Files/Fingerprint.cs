using System.Buffers;
using System.Security.Cryptography;

namespace Cuttle.Watch.Files;

/// <summary>What a path looked like when last checked: kind, size, mtime and a content hash (files only).</summary>
internal readonly record struct Fingerprint(bool IsDirectory, long Size, long MtimeTicks, UInt128 Hash)
{
    /// <summary>Files above this are compared by size and mtime only, so a big tree does not cost a full read at start.</summary>
    public const long HashLimit = 4 * 1024 * 1024;

    /// <summary>Reads the path following symlinks (a ConfigMap name is a link chain); null when it does not exist.</summary>
    public static Fingerprint? Read(string path, bool hash)
    {
        try
        {
            FileSystemInfo info = new FileInfo(path);
            if (info.LinkTarget is not null)
            {
                var target = info.ResolveLinkTarget(returnFinalTarget: true);
                if (target is null || !target.Exists)
                {
                    return Directory.Exists(path) ? new Fingerprint(true, 0, 0, default) : null;
                }

                info = target;
            }

            if (info is FileInfo file && file.Exists)
            {
                return new Fingerprint(false, file.Length, file.LastWriteTimeUtc.Ticks, hash && file.Length <= HashLimit ? HashFile(file.FullName) : default);
            }

            var dir = info is DirectoryInfo d ? d : new DirectoryInfo(info.FullName);
            return dir.Exists ? new Fingerprint(true, 0, 0, default) : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Content comparison when both sides were hashed, otherwise size and mtime (a touch then counts).</summary>
    public bool ContentDiffers(Fingerprint newer) =>
        IsDirectory != newer.IsDirectory || Size != newer.Size || (Hash == default || newer.Hash == default ? MtimeTicks != newer.MtimeTicks : Hash != newer.Hash);

    public bool SameStat(Fingerprint other) => IsDirectory == other.IsDirectory && Size == other.Size && MtimeTicks == other.MtimeTicks;

    private static UInt128 HashFile(string path)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                sha.AppendData(buffer, 0, read);
            }

            Span<byte> digest = stackalloc byte[32];
            sha.GetHashAndReset(digest);
            return new UInt128(BitConverter.ToUInt64(digest), BitConverter.ToUInt64(digest[8..]));
        }
        catch (IOException)
        {
            // Unreadable right now (being replaced): a distinct value so the next successful read counts as a change.
            return UInt128.MaxValue;
        }
        catch (UnauthorizedAccessException)
        {
            return UInt128.MaxValue;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
