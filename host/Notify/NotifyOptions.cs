using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Events;

namespace Sluice.Host.Notify;

/// <summary>Every <c>notify</c>/<c>event_sink</c> block of a configuration, in file order.</summary>
internal sealed record NotifyOptions(IReadOnlyList<NotifyBlockOptions> Blocks)
{
    public static readonly NotifyOptions Empty = new([]);
}

/// <summary>
/// One notify block as bound. <see cref="Text"/> is its canonical spelling: a reload keeps a block
/// whose text did not change and rebuilds one whose text did.
/// </summary>
internal sealed record NotifyBlockOptions
{
    public const int MaxResendLimit = 2000;

    public required string Name { get; init; }

    /// <summary>The sink spec (<c>sink</c>, or <c>url</c> in an <c>event_sink</c> block).</summary>
    public required string Sink { get; init; }

    public required SourceLocation SinkLocation { get; init; }

    public IReadOnlyList<ConfigDirective> Only { get; init; } = [];

    public IReadOnlyList<ConfigDirective> Except { get; init; } = [];

    /// <summary><c>verbose</c> (or <c>level</c>): events below it are dropped; null keeps every level.</summary>
    public EventLevel? Verbose { get; init; }

    /// <summary><c>buffer false;</c> delivers one event per call.</summary>
    public bool Buffer { get; init; } = true;

    /// <summary>The block's <c>sign_key</c> lines, in file order (several: each signs, for key rotation).</summary>
    public IReadOnlyList<string> SignKeys { get; init; } = [];

    /// <summary><c>spool PATH [SIZE]</c> of the block (or the top level); null: the in-memory resend buffer of the spec.</summary>
    public SpoolSettings? Spool { get; init; }

    /// <summary>How many of the most recent undelivered events are kept for resending; null: none.</summary>
    public int? ResendLimit { get; init; }

    public TimeSpan ResendTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Every other directive of the block, in file order: the sink's options.</summary>
    public IReadOnlyList<ConfigDirective> SinkOptions { get; init; } = [];

    public required SourceLocation Location { get; init; }

    public required string Text { get; init; }
}

/// <summary>Where a block's spool lives (<c>PATH/BLOCK</c>) and how big it may grow.</summary>
internal sealed record SpoolSettings(string Folder, long MaxBytes)
{
    /// <summary>SIZE when <c>spool PATH;</c> gives none.</summary>
    public const long DefaultMaxBytes = 1L << 30;

    /// <summary>The smallest SIZE accepted.</summary>
    public const long MinMaxBytes = 1L << 20;
}
