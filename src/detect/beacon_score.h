// RITA v5's beacon scoring (activecm/rita analysis/beacons.go), written from the plain-language
// description in shared/corpus/rita/FORMULA.md and checked against the 151 vectors taken from
// RITA's own tests. Pure functions on vectors; no state.
//
// Every function RITA's tests exercise is exposed, with the same inputs, so the vectors can be
// replayed one to one. Where RITA returns an error, these return std::nullopt. Arithmetic follows
// RITA's order and rounding (round3 = nearest, halves away from zero; ceil3 in the duration
// score) so that results match bit for bit, not merely within the tests' tolerances.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

namespace callhome::beacon {

// Go's math.Round(x*1000)/1000 and math.Ceil(x*1000)/1000.
double round3(double x);
double ceil3(double x);

// montanaflynn/stats semantics: median of a sorted list (mean of the middle two for even n) and
// Tukey-hinge quartiles that leave the median out of both halves when n is odd.
double median_sorted(std::span<const double> sorted);
struct Quartiles {
  double q1 = 0, q2 = 0, q3 = 0;
};
std::optional<Quartiles> quartiles_sorted(std::span<const double> sorted);  // needs n >= 2

struct Skewness {
  double skewness = 0;  // Bowley's (Q1 + Q3 - 2 Q2) / (Q3 - Q1), 0 when unreliable
  double score = 0;     // 1 - |skewness|
};
// calculateBowleySkewness: n >= 3; input in any order.
std::optional<Skewness> bowley_skewness(std::span<const double> data);

struct Mad {
  double mad = 0;    // median of |x - median|, unscaled
  double score = 0;  // (median - mad) / median, or default_score when median < 1; >= 0
};
// calculateMedianAbsoluteDeviation: non-empty; input in any order.
std::optional<Mad> median_absolute_deviation(std::span<const double> data, double default_score);

struct StatisticalScore {
  double score = 0;  // round3((skew score + MAD score) / 2)
  double skew = 0;
  double mad = 0;
};
// calculateStatisticalScore: the shared half of the timestamp and data-size scores.
std::optional<StatisticalScore> statistical_score(std::span<const double> values,
                                                  double default_mad_score);

struct DistinctCounts {
  std::vector<int64_t> values;  // distinct values, truncated toward zero, ascending
  std::vector<int64_t> counts;  // how often each occurs
  int64_t mode = 0;             // first value with the strictly largest count
  int64_t mode_count = 0;
};
// calculateDistinctCounts: n >= 2.
std::optional<DistinctCounts> distinct_counts(std::span<const double> values);

struct TimestampScore {
  double score = 0, skew = 0, mad = 0;  // over the non-zero intervals
  DistinctCounts intervals;             // over all intervals, zeros included (RITA's graph)
};
// getTimestampScore: sorted whole-second start times, >= 4 of them with >= 3 non-zero intervals.
std::optional<TimestampScore> timestamp_score(std::span<const uint32_t> sorted_ts);

struct DataSizeScore {
  double score = 0, skew = 0, mad = 0;
  DistinctCounts sizes;
};
// getDataSizeScore: per-connection originator IP bytes, >= 3 of them.
std::optional<DataSizeScore> data_size_score(std::span<const double> bytes);

// computeHistogramBins: num_bins + 1 edges over [start, end]; the last edge is `end` exactly.
std::optional<std::vector<double>> histogram_bins(double start, double end, int num_bins);

using FreqCount = std::map<int32_t, int32_t>;  // bar-height bucket -> number of bars
struct FrequencyCounts {
  FreqCount freq;
  int total_bars = 0;   // bins with at least one connection
  int longest_run = 0;  // longest circular run of non-empty bins, at most the number of bins
};
// getFrequencyCounts: non-empty histogram.
std::optional<FrequencyCounts> frequency_counts(std::span<const int> histogram,
                                                double mode_sensitivity);

struct Histogram {
  std::vector<int> bins;
  FrequencyCounts freq;
};
// createHistogram: >= 2 edges and >= 1 timestamp, both in any order.
std::optional<Histogram> create_histogram(std::span<const double> edges,
                                          std::span<const uint32_t> ts, double mode_sensitivity);

// calculateCoefficientOfVariationScore: round3(1 - population CV), 0 when CV > 1.
std::optional<double> cv_score(std::span<const int> histogram);

// calculateBimodalFitScore.
std::optional<double> bimodal_fit_score(const FreqCount& freq, int total_bars, int outlier_removal,
                                        int min_hours);

struct HistogramParams {
  double mode_sensitivity = 0.05;
  int bimodal_outlier_removal = 1;
  int bimodal_min_hours_seen = 11;
  int bins = 24;  // RITA hard-codes 24: hourly over a day
};
struct HistogramScore {
  double score = 0;  // max(CV score, bimodal fit score)
  Histogram hist;
};
// getHistogramScore: bins span the dataset window, not the pair's own span.
std::optional<HistogramScore> histogram_score(int64_t dataset_min, int64_t dataset_max,
                                              std::span<const uint32_t> ts,
                                              const HistogramParams& p = {});

struct DurationScore {
  double coverage = 0, consistency = 0, score = 0;
};
// getDurationScore.
std::optional<DurationScore> duration_score(int64_t dataset_min, int64_t dataset_max,
                                            int64_t hist_min, int64_t hist_max, int total_bars,
                                            int longest_run, int min_hours = 6,
                                            int ideal_hours = 12);

struct Weights {
  double ts = 0.25, ds = 0.25, dur = 0.25, hist = 0.25;
};
// getBeaconScore: every score and weight in [0, 1], weights summing to exactly 1.
std::optional<double> beacon_score(double ts, double ds, double dur, double hist,
                                   const Weights& w = {});

// calculateBucketedScore: an indicator value (the beacon score x 100) mapped piecewise-linearly
// onto RITA's threat scale: 0 below base, 0.2..0.4 up to low, 0.4..0.6 up to med, 0.6..0.8 up to
// high (capped).
struct Thresholds {
  double base = 50, low = 70, med = 90, high = 100;  // shipped default_config.hjson (beacon)
};
double bucketed_score(double value, const Thresholds& t = {});

// RITA's impact categories and their scores on that scale: none 0.2, low 0.4, medium 0.6,
// high 0.8. A bucketed score falls in the category whose score it has reached.
enum class Category : uint8_t { none, low, medium, high };
Category category_of(double bucketed);
const char* to_string(Category c);

// Everything RITA computes for one pair, with its eligibility gate (runAnalysis).
struct Params {
  int unique_connection_threshold = 4;  // distinct timestamps needed
  uint64_t strobe_threshold = 86400;    // this many connections or more: a strobe
  HistogramParams histogram;
  int duration_min_hours_seen = 6;
  int duration_ideal_hours_seen = 12;
  Weights weights;
  Thresholds thresholds;
};

enum class Verdict : uint8_t { scored, too_few, strobe, error };
struct PairScore {
  Verdict verdict = Verdict::error;
  size_t count = 0, unique = 0;
  double score = 0;   // 0..1, rounded to 3 decimals
  double threat = 0;  // bucketed_score(score x 100)
  Category category = Category::none;
  TimestampScore ts;
  DataSizeScore ds;
  HistogramScore hist;
  DurationScore dur;
};
// sorted_ts ascending; bytes parallel to it (any order is fine for the data-size score).
// [dataset_min, dataset_max] is the analysis window the histogram and coverage are measured on.
PairScore score_pair(std::span<const uint32_t> sorted_ts, std::span<const double> bytes,
                     int64_t dataset_min, int64_t dataset_max, const Params& p = {});

}  // namespace callhome::beacon
