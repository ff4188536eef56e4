using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Prometheus;

namespace Sluice.Host.Metrics;

/// <summary>
/// Exports chosen System.Diagnostics.Metrics instruments to a prometheus-net registry with Prometheus's
/// conventions (prometheus-net's own MeterAdapter turns counters into gauges and prefixes meter names):
/// a counter is a Prometheus counter named <c>NAME_total</c>; a gauge or up-down counter a gauge; a
/// histogram a histogram (buckets from the instrument's advice, else prometheus-net's defaults). Observable
/// instruments are read at each scrape; a series they no longer report is removed (a stopped stream leaves
/// no stale series), and an observable counter that went down (a stream's new run) restarts its series,
/// which Prometheus reads as a counter reset.
/// </summary>
internal sealed class PrometheusBridge : IDisposable
{
    /// <summary>How one instrument is exported: its Prometheus name and, for instruments of other libraries, its fixed labels.</summary>
    public sealed record Export(string Name, string[]? Labels = null);

    private readonly CollectorRegistry _registry;
    private readonly Func<Instrument, Export?> _select;
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, Series> _series = new();
    private readonly object _scrape = new();
    private volatile bool _disposed;

    public PrometheusBridge(CollectorRegistry registry, Func<Instrument, Export?> select)
    {
        _registry = registry;
        _select = select;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (_select(instrument) is not { } export) return;
            _series[instrument] = new Series(instrument, export, Prometheus.Metrics.WithCustomRegistry(registry));
            listener.EnableMeasurementEvents(instrument);
        };
        _listener.MeasurementsCompleted = (instrument, _) => _series.TryRemove(instrument, out var _);
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
        registry.AddBeforeCollectCallback(Scrape);
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_series.TryGetValue(instrument, out var series)) series.Record(value, tags);
    }

    /// <summary>Reads every observable instrument, then drops the series they did not report.</summary>
    private void Scrape()
    {
        if (_disposed) return;
        lock (_scrape)
        {
            foreach (var s in _series.Values) s.BeginScrape();
            _listener.RecordObservableInstruments();
            foreach (var s in _series.Values) s.EndScrape();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _listener.Dispose();
    }

    /// <summary>One instrument's Prometheus metric and the label sets it reported.</summary>
    private sealed class Series
    {
        private readonly Instrument _instrument;
        private readonly Export _export;
        private readonly IMetricFactory _factory;
        private readonly bool _observable;
        private readonly HashSet<string> _seenThisScrape = [];
        private readonly ConcurrentDictionary<string, string[]> _known = new();
        private Collector? _metric;
        private string[]? _labels;

        public Series(Instrument instrument, Export export, IMetricFactory factory)
        {
            _instrument = instrument;
            _export = export;
            _factory = factory;
            _labels = export.Labels;
            _observable = instrument.IsObservable;
        }

        public void BeginScrape() => _seenThisScrape.Clear();

        public void EndScrape()
        {
            if (!_observable || _metric is null) return;
            foreach (var (key, values) in _known)
            {
                if (_seenThisScrape.Contains(key)) continue;
                _known.TryRemove(key, out _);
                Remove(values);
            }
        }

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            lock (this)
            {
                _labels ??= tags.ToArray().Select(t => LabelName(t.Key)).Order(StringComparer.Ordinal).ToArray();
                var values = new string[_labels.Length];
                foreach (var t in tags)
                {
                    var i = Array.IndexOf(_labels, LabelName(t.Key));
                    if (i >= 0) values[i] = t.Value?.ToString() ?? "";
                }
                for (var i = 0; i < values.Length; i++) values[i] ??= "";
                var metric = _metric ??= Create();
                if (_observable)
                {
                    var key = string.Join('\u0001', values);
                    _seenThisScrape.Add(key);
                    _known[key] = values;
                }
                switch (metric)
                {
                    case Counter c when _observable:
                        var child = c.WithLabels(values);
                        if (value < child.Value)
                        {
                            child.Remove();
                            child = c.WithLabels(values);
                        }
                        child.IncTo(value);
                        break;
                    case Counter c:
                        if (value > 0) c.WithLabels(values).Inc(value);
                        break;
                    case Gauge g when _observable:
                        g.WithLabels(values).Set(value);
                        break;
                    case Gauge g:
                        g.WithLabels(values).Inc(value);
                        break;
                    case Histogram h:
                        h.WithLabels(values).Observe(value);
                        break;
                }
            }
        }

        private void Remove(string[] values)
        {
            lock (this)
            {
                switch (_metric)
                {
                    case Counter c: c.RemoveLabelled(values); break;
                    case Gauge g: g.RemoveLabelled(values); break;
                }
            }
        }

        private Collector Create()
        {
            var help = string.IsNullOrEmpty(_instrument.Description) ? _export.Name : _instrument.Description;
            var labels = _labels ?? [];
            var type = _instrument.GetType().GetGenericTypeDefinition();
            if (type == typeof(Counter<>) || type == typeof(ObservableCounter<>))
                return _factory.CreateCounter(_export.Name + "_total", help, labels);
            if (type == typeof(Histogram<>))
            {
                var buckets = (_instrument as Histogram<double>)?.Advice?.HistogramBucketBoundaries?.ToArray() ?? Histogram.ExponentialBuckets(0.001, 2, 15);
                return _factory.CreateHistogram(_export.Name, help, labels, new HistogramConfiguration { Buckets = buckets });
            }
            return _factory.CreateGauge(_export.Name, help, labels);
        }

        private static string LabelName(string tag) => tag.Replace('.', '_').Replace('-', '_');
    }
}
