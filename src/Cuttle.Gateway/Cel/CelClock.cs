using System.Globalization;

namespace Cuttle.Gateway.Cel;

/// <summary>krakend-cel's <c>now</c>: a string, time.Now() formatted as "2006-01-02T15:04:05.999Z07:00" (UTC here).</summary>
internal static class CelClock
{
    public static string Now(TimeProvider time)
        => time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFF'Z'", CultureInfo.InvariantCulture);
}
