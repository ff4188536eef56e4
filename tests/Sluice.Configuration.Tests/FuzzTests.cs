using System.Diagnostics;
using System.Text;
using Sluice.Abstractions.Configuration;
using Sluice.Host.Configuration;
using Xunit.Abstractions;

namespace Sluice.Configuration.Tests;

/// <summary>
/// Random and mutated configurations: the loader never throws, never hangs, always reports located
/// diagnostics, and whatever parses cleanly round-trips through <see cref="ConfigDirective.Text"/>.
/// Set SLUICE_FUZZ_SEED to replay a failing run.
/// </summary>
public class FuzzTests(ITestOutputHelper output)
{
    private const int FixedSeed = 20261121;
    private const int InputsPerSeed = 10_000;
    private static readonly TimeSpan PerInputLimit = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan WholeRunLimit = TimeSpan.FromSeconds(90);

    private static readonly string[] Corpus = Directory
        .GetFiles(Path.Combine(AppContext.BaseDirectory, "SpecExamples"), "*.conf")
        .Order(StringComparer.Ordinal)
        .Select(File.ReadAllText)
        .Append("http 80;\nhttp [::1]:8080;\napi_allowed_from 10/8 192.168/16 ::1;\nview_auth a \"b c\";\ninclude conf.d/*.conf;\nstream s { input a://b; title 'x\\'y'; }\n")
        .ToArray();

    private const string SyntaxChars = ";{}\"'=#,\\\n \t/:*.[]";

    [Fact]
    public async Task Loader_Should_NeverThrowOrHang_OnRandomAndMutatedConfigs()
    {
        var env = Environment.GetEnvironmentVariable("SLUICE_FUZZ_SEED");
        var seeds = env is not null ? [int.Parse(env)] : new[] { FixedSeed, Random.Shared.Next() };
        using var empty = new TempFolder();
        foreach (var seed in seeds)
        {
            var state = new RunState();
            var total = Stopwatch.StartNew();
            var run = Task.Run(() => Run(seed, state, empty.Path));
            if (await Task.WhenAny(run, Task.Delay(WholeRunLimit)) != run)
                Assert.Fail($"fuzz seed {seed}: no answer after {WholeRunLimit} at input #{state.Index}: {Show(state.Input)}");
            if (run.Exception is { } e)
                Assert.Fail($"fuzz seed {seed}: input #{state.Index} {Show(state.Input)} -> {e.InnerException}");
            output.WriteLine($"fuzz seed {seed}: {InputsPerSeed} inputs, {state.Chars} chars, {state.Errors} errors reported, " +
                             $"{state.Clean} clean, slowest {state.Slowest.TotalMilliseconds:F1} ms, total {total.Elapsed.TotalSeconds:F1} s");
            Assert.True(state.Clean > 100, $"seed {seed}: too few clean inputs ({state.Clean}) to test round trips");
            Assert.True(state.Errors > 1000, $"seed {seed}: too few errors ({state.Errors}): the mutations do not break anything");
        }
    }

    private sealed class RunState
    {
        public int Index;
        public string Input = "";
        public long Chars;
        public long Errors;
        public int Clean;
        public TimeSpan Slowest;
    }

    private static void Run(int seed, RunState state, string directory)
    {
        var rng = new Random(seed);
        var loader = new ConfigLoader([new CoreConfigSection(), new NestedSection()]);
        for (var i = 0; i < InputsPerSeed; i++)
        {
            var text = Generate(rng);
            state.Index = i;
            state.Input = text;
            state.Chars += text.Length;
            var watch = Stopwatch.StartNew();
            var result = loader.LoadString(text, "f.conf", directory);
            watch.Stop();
            if (watch.Elapsed > state.Slowest) state.Slowest = watch.Elapsed;
            if (watch.Elapsed > PerInputLimit) throw new TimeoutException($"took {watch.Elapsed} for {text.Length} chars");
            foreach (var d in result.Diagnostics)
            {
                if (d.Location.Line < 1 || d.Location.Column < 1 || string.IsNullOrEmpty(d.Message))
                    throw new InvalidOperationException($"badly located diagnostic {d}");
            }
            state.Errors += result.Errors.Count();
            CheckRoundTrip(text, directory, state);
        }
    }

    /// <summary>When the text parses without error, each directive's Text parses back to the same Text.</summary>
    private static void CheckRoundTrip(string text, string directory, RunState state)
    {
        var bag = new DiagnosticBag();
        var tree = new ConfigDocumentReader(bag).ReadString(text, "f.conf", directory);
        if (bag.HasErrors) return;
        state.Clean++;
        foreach (var d in tree)
        {
            var again = new DiagnosticBag();
            var reparsed = new ConfigDocumentReader(again).ReadString(d.Text, "r.conf", directory);
            if (again.HasErrors || reparsed.Count != 1 || reparsed[0].Text != d.Text)
                throw new InvalidOperationException($"round trip failed for {Show(d.Text)}: {string.Join("; ", again.Items)} -> {string.Join(" | ", reparsed.Select(r => r.Text))}");
        }
    }

    private static string Generate(Random rng) => rng.Next(40) switch
    {
        0 => RandomText(rng, rng.Next(1, 400), anyChar: true),
        1 => RandomText(rng, rng.Next(1, 400), anyChar: false),
        2 => DeepNesting(rng),
        3 => HugeToken(rng),
        _ => Mutate(rng, Corpus[rng.Next(Corpus.Length)], rng.Next(1, 8)),
    };

    private static string RandomText(Random rng, int length, bool anyChar)
    {
        var sb = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            sb.Append(anyChar && rng.Next(3) == 0 ? (char)rng.Next(0, 0x10000)
                : rng.Next(2) == 0 ? SyntaxChars[rng.Next(SyntaxChars.Length)]
                : (char)rng.Next('a', 'z' + 1));
        }
        return sb.ToString();
    }

    private static string DeepNesting(Random rng)
    {
        var depth = rng.Next(50, 2000);
        var open = rng.Next(3) switch { 0 => "a {", 1 => "{", _ => "a b=c \"d\" {\n" };
        var close = rng.Next(2) == 0 ? depth : rng.Next(depth);
        return string.Concat(Enumerable.Repeat(open, depth)) + string.Concat(Enumerable.Repeat("}", close));
    }

    private static string HugeToken(Random rng)
    {
        var n = rng.Next(10_000, 60_000);
        return rng.Next(4) switch
        {
            0 => "x " + new string('a', n) + ";",
            1 => "x \"" + new string('b', n) + (rng.Next(2) == 0 ? "\";" : ""),
            2 => new string('c', n) + " 1;",
            _ => "only " + string.Join(",", Enumerable.Repeat("k=v", n / 4)) + ";",
        };
    }

    private static string Mutate(Random rng, string text, int edits)
    {
        var sb = new StringBuilder(text);
        for (var e = 0; e < edits; e++)
        {
            var at = sb.Length == 0 ? 0 : rng.Next(sb.Length);
            switch (rng.Next(8))
            {
                case 0: if (sb.Length > 0) sb.Remove(at, Math.Min(sb.Length - at, rng.Next(1, 4))); break;
                case 1: sb.Insert(at, SyntaxChars[rng.Next(SyntaxChars.Length)]); break;
                case 2: sb.Insert(at, (char)rng.Next(0, 0x10000)); break;
                case 3: // duplicate a span
                    var len = Math.Min(sb.Length - at, rng.Next(1, 40));
                    sb.Insert(at, sb.ToString(at, len));
                    break;
                case 4: // delete a token
                    var end = at;
                    while (end < sb.Length && !char.IsWhiteSpace(sb[end])) end++;
                    sb.Remove(at, end - at);
                    break;
                case 5: // duplicate a token elsewhere
                    var words = sb.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                    if (words.Length > 0) sb.Insert(at, " " + words[rng.Next(words.Length)] + " ");
                    break;
                case 6: sb.Insert(at, " include nonexistent/*.conf; "); break;
                default: // change a character into its neighbour (typos)
                    if (sb.Length > 0) sb[at] = (char)(sb[at] + (rng.Next(2) == 0 ? 1 : -1));
                    break;
            }
        }
        return sb.ToString();
    }

    private static string Show(string s)
    {
        var t = s.Length > 300 ? s[..300] + $"... ({s.Length} chars)" : s;
        var sb = new StringBuilder("\"");
        foreach (var c in t) sb.Append(c is < ' ' or > '~' ? $"\\u{(int)c:x4}" : c.ToString());
        return sb.Append('"').ToString();
    }

    /// <summary>A section with nested child specs, so shape checks of blocks get fuzzed too.</summary>
    private sealed class NestedSection : IConfigSection
    {
        public IReadOnlyList<DirectiveSpec> Directives { get; } =
        [
            new("stream", "stream NAME { ... }", 1, 1, BlockUse.Required,
                [new("input", "input URL", 1, 1), new("title", "title TEXT", 1, 1) { Repeatable = false }]),
            new("peer", "peer HOST:PORT [{ ... }]", 1, 1, BlockUse.Optional,
                [new("fetch_timeout", "fetch_timeout MS", 1, 1), new("stale_timeout", "stale_timeout MS", 1, 1)]),
        ];

        public object Bind(IReadOnlyList<ConfigDirective> directives, ConfigBindContext context)
        {
            foreach (var d in directives)
            {
                foreach (var c in d.Block ?? []) c.Int(context.Diagnostics, 0, 1, 1_000_000, "milliseconds");
            }
            return new object[] { directives.Count };
        }
    }
}
