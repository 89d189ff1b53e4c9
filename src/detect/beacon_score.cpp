#include "detect/beacon_score.h"

#include <algorithm>
#include <climits>
#include <cmath>

namespace callhome::beacon {
namespace {

std::vector<double> sorted_copy(std::span<const double> data) {
  std::vector<double> v(data.begin(), data.end());
  std::sort(v.begin(), v.end());
  return v;
}

// The sorted-input cores of the public functions: the timestamp and data-size scores sort once
// and reuse the order for quartiles, median and MAD.
Skewness bowley_sorted(std::span<const double> s) {
  const Quartiles q = *quartiles_sorted(s);
  double skew = 0;
  // A narrow IQR or a median on a hinge makes the ratio meaningless (RITA's guard).
  if (q.q3 - q.q1 >= 10 && q.q2 != q.q1 && q.q2 != q.q3) {
    skew = (q.q1 + q.q3 - 2 * q.q2) / (q.q3 - q.q1);
  }
  return Skewness{skew, 1 - std::fabs(skew)};
}

Mad mad_sorted(std::span<const double> s, double default_score) {
  const double m = median_sorted(s);
  std::vector<double> dev(s.size());
  for (size_t i = 0; i < s.size(); ++i) dev[i] = std::fabs(s[i] - m);
  std::sort(dev.begin(), dev.end());
  const double mad = median_sorted(dev);
  double score = m >= 1 ? (m - mad) / m : default_score;
  if (score < 0 || std::isnan(score)) score = 0;
  return Mad{mad, score};
}

std::optional<StatisticalScore> statistical_score_sorted(std::span<const double> sorted,
                                                         double default_mad_score) {
  if (sorted.size() < 3) return std::nullopt;  // Bowley needs three values
  const Skewness skew = bowley_sorted(sorted);
  const Mad mad = mad_sorted(sorted, default_mad_score);
  return StatisticalScore{round3((skew.score + mad.score) / 2), skew.skewness, mad.mad};
}

}  // namespace

double round3(double x) {
  return std::round(x * 1000) / 1000;
}
double ceil3(double x) {
  return std::ceil(x * 1000) / 1000;
}

double median_sorted(std::span<const double> s) {
  if (s.empty()) return 0;
  const size_t n = s.size();
  return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

std::optional<Quartiles> quartiles_sorted(std::span<const double> s) {
  const size_t n = s.size();
  if (n < 2) return std::nullopt;
  // Odd n: the median belongs to neither half (montanaflynn Quartile).
  const size_t lower_end = n / 2, upper_begin = n % 2 ? n / 2 + 1 : n / 2;
  return Quartiles{median_sorted(s.first(lower_end)), median_sorted(s),
                   median_sorted(s.subspan(upper_begin))};
}

std::optional<Skewness> bowley_skewness(std::span<const double> data) {
  if (data.size() < 3) return std::nullopt;
  return bowley_sorted(sorted_copy(data));
}

std::optional<Mad> median_absolute_deviation(std::span<const double> data, double default_score) {
  if (data.empty()) return std::nullopt;
  return mad_sorted(sorted_copy(data), default_score);
}

std::optional<StatisticalScore> statistical_score(std::span<const double> values,
                                                  double default_mad_score) {
  return statistical_score_sorted(sorted_copy(values), default_mad_score);
}

std::optional<DistinctCounts> distinct_counts(std::span<const double> values) {
  if (values.size() < 2) return std::nullopt;
  const std::vector<double> s = sorted_copy(values);
  DistinctCounts d;
  for (double x : s) {
    const auto v = int64_t(x);  // truncation toward zero, as Go's int64(x)
    if (d.values.empty() || d.values.back() != v) {
      d.values.push_back(v);
      d.counts.push_back(0);
    }
    ++d.counts.back();
  }
  for (size_t i = 0; i < d.values.size(); ++i) {
    if (d.counts[i] > d.mode_count) {
      d.mode = d.values[i];
      d.mode_count = d.counts[i];
    }
  }
  return d;
}

std::optional<TimestampScore> timestamp_score(std::span<const uint32_t> ts) {
  if (ts.size() < 4) return std::nullopt;
  std::vector<double> intervals;
  intervals.reserve(ts.size() - 1);
  // uint32 subtraction first, as RITA does: an unsorted list wraps instead of going negative.
  for (size_t i = 0; i + 1 < ts.size(); ++i)
    intervals.push_back(double(uint32_t(ts[i + 1] - ts[i])));
  std::sort(intervals.begin(), intervals.end());
  const auto first_nonzero =
      std::find_if(intervals.begin(), intervals.end(), [](double d) { return d != 0; });
  const std::span<const double> nonzero(first_nonzero, intervals.end());
  if (nonzero.size() < 3) return std::nullopt;
  auto counts = distinct_counts(intervals);
  auto stat = statistical_score_sorted(nonzero, 1);
  if (!counts || !stat) return std::nullopt;
  return TimestampScore{stat->score, stat->skew, stat->mad, std::move(*counts)};
}

std::optional<DataSizeScore> data_size_score(std::span<const double> bytes) {
  if (bytes.size() < 3) return std::nullopt;
  const std::vector<double> s = sorted_copy(bytes);
  auto counts = distinct_counts(s);
  // Default 0: sizes below one byte say nothing about regularity.
  auto stat = statistical_score_sorted(s, 0);
  if (!counts || !stat) return std::nullopt;
  return DataSizeScore{stat->score, stat->skew, stat->mad, std::move(*counts)};
}

std::optional<std::vector<double>> histogram_bins(double start, double end, int num_bins) {
  if (num_bins <= 0 || end <= start) return std::nullopt;
  const double step = (end - start) / num_bins;
  std::vector<double> edges(size_t(num_bins) + 1);
  edges[0] = start;
  for (int i = 1; i < num_bins; ++i) edges[size_t(i)] = start + i * step;
  edges[size_t(num_bins)] = end;  // exact, so that a timestamp equal to `end` is counted
  return edges;
}

std::optional<FrequencyCounts> frequency_counts(std::span<const int> histogram,
                                                double mode_sensitivity) {
  if (histogram.empty()) return std::nullopt;
  const int max_bar = *std::max_element(histogram.begin(), histogram.end());
  // Bars within one bucket width count as the same height: tolerance for uneven hours.
  const double width = std::ceil(max_bar * mode_sensitivity);
  FrequencyCounts f;
  for (int bar : histogram) {
    if (bar <= 0) continue;
    ++f.total_bars;
    const double key = std::floor(bar / width) * width;
    // A zero width gives NaN in Go, which amd64 converts to INT32_MIN; do that explicitly.
    ++f.freq[std::isfinite(key) ? int32_t(key) : INT32_MIN];
  }
  // Circular: scanning the histogram twice lets a run wrap from the last bin to the first.
  const size_t n = histogram.size();
  int run = 0;
  for (size_t i = 0; i < 2 * n; ++i) {
    run = histogram[i % n] > 0 ? run + 1 : 0;
    f.longest_run = std::max(f.longest_run, run);
  }
  f.longest_run = std::min(f.longest_run, int(n));
  return f;
}

std::optional<Histogram> create_histogram(std::span<const double> edges_in,
                                          std::span<const uint32_t> ts_in,
                                          double mode_sensitivity) {
  if (edges_in.size() < 2 || ts_in.empty()) return std::nullopt;
  std::vector<double> edges(edges_in.begin(), edges_in.end());
  std::sort(edges.begin(), edges.end());
  std::vector<uint32_t> ts(ts_in.begin(), ts_in.end());
  std::sort(ts.begin(), ts.end());
  const size_t nbins = edges.size() - 1;
  Histogram h;
  h.bins.assign(nbins, 0);
  // Half-open bins [edge_i, edge_i+1); the last bin also takes everything at or past the last
  // edge and the first everything before the first edge.
  size_t bin = 0;
  for (uint32_t t : ts) {
    while (bin + 1 < nbins && !(double(t) < edges[bin + 1])) ++bin;
    ++h.bins[bin];
  }
  auto f = frequency_counts(h.bins, mode_sensitivity);
  if (!f) return std::nullopt;
  h.freq = std::move(*f);
  return h;
}

std::optional<double> cv_score(std::span<const int> histogram) {
  if (histogram.empty()) return std::nullopt;
  double sum = 0;
  for (int b : histogram) {
    if (b < 0) return std::nullopt;
    sum += b;
  }
  if (sum <= 0) return std::nullopt;
  const double n = double(histogram.size());
  const double mean = sum / n;
  double sq = 0;
  for (int b : histogram) sq += (b - mean) * (b - mean);
  const double cv = std::sqrt(sq / n) / std::fabs(mean);
  if (cv > 1) return 0.0;
  return std::min(round3(1 - cv), 1.0);
}

std::optional<double> bimodal_fit_score(const FreqCount& freq, int total_bars, int outlier_removal,
                                        int min_hours) {
  if (freq.empty() || total_bars <= 0) return std::nullopt;
  if (min_hours < 6) min_hours = 11;  // RITA's floor: too few hours make any shape look bimodal
  if (total_bars < min_hours) return 0.0;
  int32_t largest = 0, second = 0;
  for (const auto& [key, count] : freq) {
    if (count > largest) {
      second = largest;
      largest = count;
    } else if (count > second) {
      second = count;
    }
  }
  const double fit = double(largest + second) / double(std::max(total_bars - outlier_removal, 1));
  return std::min(round3(fit), 1.0);
}

std::optional<HistogramScore> histogram_score(int64_t dataset_min, int64_t dataset_max,
                                              std::span<const uint32_t> ts,
                                              const HistogramParams& p) {
  if (ts.empty() || dataset_max <= dataset_min) return std::nullopt;
  const auto edges = histogram_bins(double(dataset_min), double(dataset_max), p.bins);
  if (!edges) return std::nullopt;
  auto h = create_histogram(*edges, ts, p.mode_sensitivity);
  if (!h) return std::nullopt;
  const auto cv = cv_score(h->bins);
  const auto bimodal = bimodal_fit_score(h->freq.freq, h->freq.total_bars,
                                         p.bimodal_outlier_removal, p.bimodal_min_hours_seen);
  if (!cv || !bimodal) return std::nullopt;
  return HistogramScore{std::max(*cv, *bimodal), std::move(*h)};
}

std::optional<DurationScore> duration_score(int64_t dataset_min, int64_t dataset_max,
                                            int64_t hist_min, int64_t hist_max, int total_bars,
                                            int longest_run, int min_hours, int ideal_hours) {
  if (min_hours < 1 || ideal_hours < 1 || dataset_max <= dataset_min || hist_max <= hist_min) {
    return std::nullopt;
  }
  if (total_bars < min_hours) return DurationScore{};
  DurationScore d;
  // Ceiling, not rounding, as RITA: a pair that covers the window but for a fraction of a
  // second still gets full coverage.
  d.coverage =
      std::min(ceil3(double(hist_max - hist_min) / double(dataset_max - dataset_min)), 1.0);
  d.consistency = std::min(ceil3(double(longest_run) / double(ideal_hours)), 1.0);
  d.score = std::max(d.coverage, d.consistency);
  return d;
}

std::optional<double> beacon_score(double ts, double ds, double dur, double hist,
                                   const Weights& w) {
  for (double x : {ts, ds, dur, hist, w.ts, w.ds, w.dur, w.hist}) {
    if (!(x >= 0 && x <= 1)) return std::nullopt;
  }
  // Summed in this order from 0.0 and compared exactly, as RITA validates its config.
  double sum = 0.0;
  sum += w.ts;
  sum += w.ds;
  sum += w.dur;
  sum += w.hist;
  if (sum != 1.0) return std::nullopt;
  return round3(ts * w.ts + ds * w.ds + dur * w.dur + hist * w.hist);
}

double bucketed_score(double v, const Thresholds& t) {
  if (v < t.base) return 0;
  if (v < t.low) return 0.2 + (v - t.base) / (t.low - t.base) * 0.2;
  if (v < t.med) return 0.4 + (v - t.low) / (t.med - t.low) * 0.2;
  return 0.6 + (std::min(v, t.high) - t.med) / (t.high - t.med) * 0.2;
}

Category category_of(double b) {
  if (b >= 0.8) return Category::high;
  if (b >= 0.6) return Category::medium;
  if (b >= 0.4) return Category::low;
  return Category::none;
}

const char* to_string(Category c) {
  switch (c) {
    case Category::low:
      return "low";
    case Category::medium:
      return "medium";
    case Category::high:
      return "high";
    default:
      return "none";
  }
}

PairScore score_pair(std::span<const uint32_t> ts, std::span<const double> bytes,
                     int64_t dataset_min, int64_t dataset_max, const Params& p) {
  PairScore r;
  r.count = ts.size();
  for (size_t i = 0; i < ts.size(); ++i) r.unique += i == 0 || ts[i] != ts[i - 1];
  if (r.count >= p.strobe_threshold) {
    r.verdict = Verdict::strobe;
    return r;
  }
  if (r.unique < size_t(std::max(p.unique_connection_threshold, 0))) {
    r.verdict = Verdict::too_few;
    return r;
  }
  auto tss = timestamp_score(ts);
  auto dss = data_size_score(bytes);
  auto hist = histogram_score(dataset_min, dataset_max, ts, p.histogram);
  if (!tss || !dss || !hist) return r;
  auto dur = duration_score(dataset_min, dataset_max, ts.front(), ts.back(),
                            hist->hist.freq.total_bars, hist->hist.freq.longest_run,
                            p.duration_min_hours_seen, p.duration_ideal_hours_seen);
  if (!dur) return r;
  auto score = beacon_score(tss->score, dss->score, dur->score, hist->score, p.weights);
  if (!score) return r;
  r.verdict = Verdict::scored;
  r.score = *score;
  r.threat = bucketed_score(*score * 100, p.thresholds);
  r.category = category_of(r.threat);
  r.ts = std::move(*tss);
  r.ds = std::move(*dss);
  r.hist = std::move(*hist);
  r.dur = *dur;
  return r;
}

}  // namespace callhome::beacon
