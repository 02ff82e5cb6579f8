using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Cuttle.Gateway.Auth;

/// <summary>
/// auth/revoker: krakend bloomfilter's rotating set of three filters (previous, current, next). An element is added
/// to current and next and found in previous or current; every ttl the set slides (previous ← current ← next ← empty),
/// so a revocation lasts between one and two periods. The sliding is lazy, from the elapsed time on the generation's
/// clock, rather than a ticker, so nothing keeps a dropped list alive. Each filter has m bits and k hashes from n and
/// p as the module computes them. One lock guards the three filters; checks are a few hashes and bit reads.
/// A validator refuses a token when, for one of token_keys, the string claim's "key-value" is in the set.
/// </summary>
public sealed class RevocationList
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly long _start;
    private readonly TimeSpan _ttl;
    private readonly ulong _m;
    private readonly int _k;
    private readonly bool _optimal;
    private readonly string[] _tokenKeys;
    private ulong[] _previous, _current, _next;
    private long _rotations;

    internal RevocationList(long n, double p, string hashName, TimeSpan ttl, string[] tokenKeys, TimeProvider time)
    {
        // bloomfilter.M and K.
        _m = (ulong)Math.Ceiling(-(n * Math.Log(p)) / Math.Log(Math.Pow(2.0, Math.Log(2.0))));
        if (_m == 0) _m = 1;
        var k = (int)Math.Ceiling(Math.Log(2.0) * _m / n);
        _optimal = hashName == "optimal";
        // DefaultHashFactory caps k at its five hashers (each gives one or two positions).
        _k = _optimal ? Math.Max(k, 1) : Math.Clamp(k, 1, 5);
        _ttl = ttl;
        _tokenKeys = tokenKeys;
        _time = time;
        _start = time.GetTimestamp();
        _previous = NewBits();
        _current = NewBits();
        _next = NewBits();
    }

    private ulong[] NewBits() => new ulong[(_m + 63) / 64];

    /// <summary>The claims checked, in order.</summary>
    internal string[] TokenKeys => _tokenKeys;

    /// <summary>Adds one element ("claim-value"), as the RPC Add does.</summary>
    public void Add(string element)
    {
        var positions = Positions(element);
        lock (_gate)
        {
            Slide();
            foreach (var x in positions)
            {
                Set(_current, x);
                Set(_next, x);
            }
        }
    }

    /// <summary>Whether the element may have been added (false positives at rate p; no false negatives within a period).</summary>
    public bool Check(string element)
    {
        var positions = Positions(element);
        lock (_gate)
        {
            Slide();
            return All(_previous, positions) || All(_current, positions);
        }
    }

    /// <summary>bloomfilter/krakend RejectToken: a string claim of token_keys whose "key-value" is in the set.</summary>
    internal bool IsRevoked(JsonElement claims)
    {
        foreach (var key in _tokenKeys)
        {
            if (claims.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String && Check(key + "-" + v.GetString()))
                return true;
        }
        return false;
    }

    private void Slide()
    {
        var due = (long)(_time.GetElapsedTime(_start).Ticks / _ttl.Ticks);
        if (due <= _rotations) return;
        if (due - _rotations >= 3)
        {
            _previous = NewBits();
            _current = NewBits();
            _next = NewBits();
        }
        else
        {
            for (var i = _rotations; i < due; i++)
            {
                _previous = _current;
                _current = _next;
                _next = NewBits();
            }
        }
        _rotations = due;
    }

    private static void Set(ulong[] bits, ulong x) => bits[x / 64] |= 1UL << (int)(x % 64);

    private static bool All(ulong[] bits, ulong[] positions)
    {
        foreach (var x in positions) if ((bits[x / 64] & (1UL << (int)(x % 64))) == 0) return false;
        return true;
    }

    /// <summary>The bit positions of an element: each hash's little-endian 64-bit words, modulo m.</summary>
    private ulong[] Positions(string element)
    {
        var data = Encoding.UTF8.GetBytes(element);
        var fnv128 = Fnv128(data);
        var h0 = BinaryPrimitives.ReadUInt64LittleEndian(fnv128);
        var h1 = BinaryPrimitives.ReadUInt64LittleEndian(fnv128.AsSpan(8));
        if (_optimal)
        {
            var result = new ulong[_k];
            for (var i = 0; i < _k; i++) result[i] = unchecked(h0 + (ulong)i * h1) % _m;
            return result;
        }
        var words = new List<ulong>(8);
        // MD5 and SHA1 spread bits here, as the module's default hashers do; nothing relies on them being secure.
#pragma warning disable CA5350, CA5351
        for (var i = 0; i < _k; i++)
        {
            switch (i)
            {
                case 0: Words(words, MD5.HashData(data)); break;
                case 1: Words(words, Crc64(data)); break;
                case 2: Words(words, SHA1.HashData(data)); break;
                case 3: Words(words, Fnv64(data)); break;
                default: words.Add(h0); words.Add(h1); break;
            }
        }
#pragma warning restore CA5350, CA5351
        var positions = new ulong[words.Count];
        for (var i = 0; i < positions.Length; i++) positions[i] = words[i] % _m;
        return positions;
    }

    private static void Words(List<ulong> words, byte[] sum)
    {
        for (var i = 0; i + 8 <= sum.Length; i += 8) words.Add(BinaryPrimitives.ReadUInt64LittleEndian(sum.AsSpan(i)));
    }

    /// <summary>Go's hash/crc64 with the ECMA table; Sum is big-endian.</summary>
    private static byte[] Crc64(byte[] data)
    {
        const ulong poly = 0xC96C5795D7870F42;
        var crc = ulong.MaxValue;
        foreach (var b in data)
        {
            crc ^= b;
            for (var j = 0; j < 8; j++) crc = (crc & 1) != 0 ? (crc >> 1) ^ poly : crc >> 1;
        }
        crc = ~crc;
        var sum = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(sum, crc);
        return sum;
    }

    /// <summary>Go's hash/fnv New64 (FNV-1); Sum is big-endian.</summary>
    private static byte[] Fnv64(byte[] data)
    {
        var h = 14695981039346656037UL;
        foreach (var b in data) h = unchecked(h * 1099511628211UL) ^ b;
        var sum = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(sum, h);
        return sum;
    }

    /// <summary>Go's hash/fnv New128 (FNV-1); Sum is big-endian.</summary>
    private static byte[] Fnv128(byte[] data)
    {
        var h = new UInt128(0x6c62272e07bb0142, 0x62b821756295c58d);
        var prime = new UInt128(0x0000000001000000, 0x000000000000013B);
        foreach (var b in data) h = unchecked(h * prime) ^ b;
        var sum = new byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(sum, h);
        return sum;
    }
}
