namespace Cuttle.Gateway.Backends;

/// <summary>
/// How the connection a backend response came on was obtained: what krakend-otel's detailed_connection reads from Go's
/// httptrace (GetConn to GotConn, DNSStart to DNSDone, TLSHandshakeStart to TLSHandshakeDone, GotFirstResponseByte).
/// Durations are Stopwatch ticks, 0 for a phase that did not happen for this request (a reused connection has no DNS
/// lookup and no handshake, as Go's callbacks then do not fire); <see cref="FirstByteAt"/> is a Stopwatch timestamp,
/// 0 when the transport cannot tell. Read from the connection once the response head arrived: nothing per request.
/// </summary>
internal readonly record struct ConnectionTimings(bool Reused, long GetConnTicks, long DnsTicks, long TlsTicks, long FirstByteAt)
{
    public static double Seconds(long ticks) => (double)ticks / System.Diagnostics.Stopwatch.Frequency;
}
