namespace Cuttle.Gateway;

/// <summary>
/// The one mutable reference through which the host tells its generations about reloads: the host owns it for the
/// life of the process and replaces <see cref="Current"/> with a new record; a generation only reads it. It exists
/// before the first generation is built, so no generation has to call back into a host that is not built yet.
/// </summary>
public sealed class ReloadStatusSource
{
    private volatile ReloadStatus? _current;
    private volatile TlsStatus? _tls;

    /// <summary>The latest status; null until the host publishes the first one (before its listener starts).</summary>
    public ReloadStatus? Current
    {
        get => _current;
        set => _current = value;
    }

    /// <summary>The TLS listener's certificates and rotation outcome; null on a clear-text listener. Replaced whole by the host.</summary>
    public TlsStatus? Tls
    {
        get => _tls;
        set => _tls = value;
    }
}
