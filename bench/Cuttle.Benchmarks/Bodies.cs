using System.Text;

namespace Cuttle.Benchmarks;

/// <summary>Deterministic backend bodies of a given size: a user-like object with a growing "items" array.</summary>
internal static class Bodies
{
    public static byte[] User(int targetBytes)
    {
        var sb = new StringBuilder(targetBytes + 256);
        sb.Append("""{"id":420,"name":"cuttle","email":"cuttle@example.com","active":true,"score":12.75,""");
        sb.Append("\"address\":{\"street\":\"1 Harbour Road\",\"city\":\"Lisbon\",\"zip\":\"1100-001\"},");
        sb.Append("\"tags\":[\"fast\",\"json\",\"gateway\"],");
        sb.Append("\"items\":[");
        var i = 0;
        while (sb.Length < targetBytes - 80)
        {
            if (i > 0) sb.Append(',');
            sb.Append("{\"sku\":\"SKU-").Append(i).Append("\",\"qty\":").Append(i % 7).Append(",\"price\":").Append(i % 100).Append(".5}");
            i++;
        }
        sb.Append("],\"updated\":\"2026-01-01T00:00:00Z\"}");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    public static byte[] Stock(int targetBytes)
    {
        var sb = new StringBuilder(targetBytes + 128);
        sb.Append("""{"currency":"EUR","warehouse":"LIS-1","levels":[""");
        var i = 0;
        while (sb.Length < targetBytes - 40)
        {
            if (i > 0) sb.Append(',');
            sb.Append("{\"sku\":\"SKU-").Append(i).Append("\",\"stock\":").Append(i % 13).Append('}');
            i++;
        }
        sb.Append("],\"checked\":true}");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }
}
