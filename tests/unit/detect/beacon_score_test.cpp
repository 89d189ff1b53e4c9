// RITA v5 beacon scoring: replays the 151 vectors extracted from RITA's own Go tests
// (shared/corpus/rita/beacon-vectors.json), then a few hand-made cases that need no corpus.
#include "detect/beacon_score.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <string>

namespace callhome::beacon {
namespace {

using nlohmann::json;

const std::filesystem::path kVectors =
    std::filesystem::path(CALLHOME_CORPUS_DIR) / "rita" / "beacon-vectors.json";

template <typename T>
std::vector<T> list(const json& j) {
  std::vector<T> v;
  for (const auto& x : j) v.push_back(x.get<T>());
  return v;
}

json freq_json(const FreqCount& f) {
  json o = json::object();
  for (const auto& [k, v] : f) o[std::to_string(k)] = v;
  return o;
}

FreqCount freq_from(const json& j) {
  FreqCount f;
  for (const auto& [k, v] : j.items()) f[std::stoi(k)] = v.get<int32_t>();
  return f;
}

json distinct_json(const DistinctCounts& d, const char* values, const char* counts,
                   const char* mode, const char* mode_count) {
  return {{values, d.values}, {counts, d.counts}, {mode, d.mode}, {mode_count, d.mode_count}};
}

// One adapter per RITA function: the case's inputs in, the fields the vectors expect out
// (nullopt where RITA returns an error).
using Adapter = std::function<std::optional<json>(const json& in)>;

const std::map<std::string, Adapter>& adapters() {
  static const std::map<std::string, Adapter> m = {
      {"getBeaconScore",
       [](const json& in) -> std::optional<json> {
         Weights w{in["ts_weight"], in["ds_weight"], in["dur_weight"], in["hist_weight"]};
         auto s =
             beacon_score(in["ts_score"], in["ds_score"], in["dur_score"], in["hist_score"], w);
         if (!s) return std::nullopt;
         return json{{"score", *s}};
       }},
      {"getTimestampScore",
       [](const json& in) -> std::optional<json> {
         auto r = timestamp_score(list<uint32_t>(in["ts_list"]));
         if (!r) return std::nullopt;
         json o = distinct_json(r->intervals, "intervals", "interval_counts", "mode", "mode_count");
         o.update(json{{"score", r->score}, {"skew", r->skew}, {"mad", r->mad}});
         return o;
       }},
      {"getDataSizeScore",
       [](const json& in) -> std::optional<json> {
         auto r = data_size_score(list<double>(in["bytes_list"]));
         if (!r) return std::nullopt;
         json o = distinct_json(r->sizes, "sizes", "size_counts", "mode", "mode_count");
         o.update(json{{"score", r->score}, {"skew", r->skew}, {"mad", r->mad}});
         return o;
       }},
      {"calculateStatisticalScore",
       [](const json& in) -> std::optional<json> {
         auto r = statistical_score(list<double>(in["values"]), in["default_mad_score"]);
         if (!r) return std::nullopt;
         return json{{"score", r->score}, {"skew", r->skew}, {"mad", r->mad}};
       }},
      {"getDurationScore",
       [](const json& in) -> std::optional<json> {
         auto r = duration_score(in["dataset_min"], in["dataset_max"], in["hist_min"],
                                 in["hist_max"], in["total_bars"], in["longest_consecutive_run"],
                                 in["min_hours_threshold"], in["ideal_consistency_hours"]);
         if (!r) return std::nullopt;
         return json{
             {"coverage", r->coverage}, {"consistency", r->consistency}, {"score", r->score}};
       }},
      {"getHistogramScore",
       [](const json& in) -> std::optional<json> {
         HistogramParams p{in["mode_sensitivity"], in["bimodal_outlier_removal"],
                           in["bimodal_min_hours_seen"], in["beacon_time_span"]};
         auto r = histogram_score(in["dataset_min"], in["dataset_max"],
                                  list<uint32_t>(in["ts_list"]), p);
         if (!r) return std::nullopt;
         return json{{"histogram", r->hist.bins},
                     {"freq_count", freq_json(r->hist.freq.freq)},
                     {"total_bars", r->hist.freq.total_bars},
                     {"longest_run", r->hist.freq.longest_run},
                     {"score", r->score}};
       }},
      {"calculateBowleySkewness",
       [](const json& in) -> std::optional<json> {
         auto r = bowley_skewness(list<double>(in["data"]));
         if (!r) return std::nullopt;
         return json{{"skewness", r->skewness}, {"score", r->score}};
       }},
      {"calculateDistinctCounts",
       [](const json& in) -> std::optional<json> {
         auto r = distinct_counts(list<double>(in["input"]));
         if (!r) return std::nullopt;
         return distinct_json(*r, "distinct", "counts", "mode", "max_count");
       }},
      {"calculateMedianAbsoluteDeviation",
       [](const json& in) -> std::optional<json> {
         auto r = median_absolute_deviation(list<double>(in["data"]), in["default_score"]);
         if (!r) return std::nullopt;
         return json{{"mad", r->mad}, {"score", r->score}};
       }},
      {"computeHistogramBins",
       [](const json& in) -> std::optional<json> {
         auto r = histogram_bins(in["start_time"], in["end_time"], in["num_bins"]);
         if (!r) return std::nullopt;
         return json{{"bin_edges", *r}};
       }},
      {"calculateCoefficientOfVariationScore",
       [](const json& in) -> std::optional<json> {
         auto r = cv_score(list<int>(in["freq_list"]));
         if (!r) return std::nullopt;
         return json{{"score", *r}};
       }},
      {"calculateBimodalFitScore",
       [](const json& in) -> std::optional<json> {
         auto r =
             bimodal_fit_score(freq_from(in["freq_count"]), in["total_bars"],
                               in["modal_outlier_removal"], in["min_hours_for_bimodal_analysis"]);
         if (!r) return std::nullopt;
         return json{{"score", *r}};
       }},
      {"createHistogram",
       [](const json& in) -> std::optional<json> {
         auto r = create_histogram(list<double>(in["bin_edges"]), list<uint32_t>(in["ts_list"]),
                                   in["mode_sensitivity"]);
         if (!r) return std::nullopt;
         return json{{"histogram", r->bins},
                     {"freq_count", freq_json(r->freq.freq)},
                     {"total_bars", r->freq.total_bars},
                     {"longest_run", r->freq.longest_run}};
       }},
      {"getFrequencyCounts",
       [](const json& in) -> std::optional<json> {
         auto r = frequency_counts(list<int>(in["histogram"]), in["mode_sensitivity"]);
         if (!r) return std::nullopt;
         return json{{"freq_count", freq_json(r->freq)},
                     {"total_bars", r->total_bars},
                     {"longest_run", r->longest_run}};
       }},
      {"calculateBucketedScore",
       [](const json& in) -> std::optional<json> {
         const json& t = in["thresholds"];
         return json{
             {"score", bucketed_score(in["value"], {t["base"], t["low"], t["med"], t["high"]})}};
       }},
  };
  return m;
}

// Compares one expected field under the vector's check; returns why not, or "" when it holds.
std::string mismatch(const json& check, const json& expected, const json& actual, const json& c) {
  const auto differs = [](double a, double e, double d) { return !(std::fabs(a - e) <= d); };
  if (check.is_string() && check == "exact") {
    return expected == actual ? "" : "not equal";
  }
  if (check.is_object() && check.contains("delta")) {
    return differs(actual.get<double>(), expected.get<double>(), check["delta"]) ? "outside delta"
                                                                                 : "";
  }
  if (check.is_object() && check.contains("delta_each")) {
    if (actual.size() != expected.size()) return "length differs";
    for (size_t i = 0; i < expected.size(); ++i) {
      if (differs(actual[i], expected[i], check["delta_each"])) return "element outside delta";
    }
    return "";
  }
  // calculateBucketedScore: a per-case tolerance, or a strict lower bound.
  if (expected.is_object() && expected.contains("greater_than")) {
    return actual.get<double>() > expected["greater_than"].get<double>() ? "" : "not greater";
  }
  if (c.contains("tolerance")) {
    return differs(actual, expected, c["tolerance"]) ? "outside tolerance" : "";
  }
  return "unknown check " + check.dump();
}

TEST(BeaconVectors, AllRitaVectorsPass) {
  std::ifstream in(kVectors);
  if (!in) {
    std::cout << "skipped: " << kVectors << " not found (needs ../shared/corpus)\n";
    GTEST_SKIP() << kVectors << " not found";
  }
  const json doc = json::parse(in);
  size_t cases = 0, passed = 0;
  for (const json& fn : doc["functions"]) {
    const std::string name = fn["function"];
    const auto adapter = adapters().find(name);
    ASSERT_NE(adapter, adapters().end()) << "no adapter for " << name;
    for (const json& c : fn["cases"]) {
      ++cases;
      const std::string where = name + " / " + c["name"].get<std::string>();
      const std::optional<json> got = adapter->second(c["input"]);
      if (c["expect_error"].get<bool>()) {
        if (got) {
          ADD_FAILURE() << where << ": expected an error, got " << got->dump();
        } else {
          ++passed;
        }
        continue;
      }
      if (!got) {
        ADD_FAILURE() << where << ": unexpected error";
        continue;
      }
      bool ok = true;
      for (const auto& [field, expected] : c["expected"].items()) {
        const json check = fn["checks"].contains(field) ? fn["checks"][field] : json("exact");
        const std::string why = mismatch(check, expected, got->at(field), c);
        if (!why.empty()) {
          ok = false;
          ADD_FAILURE() << where << ": " << field << " " << why << ": expected " << expected.dump()
                        << ", got " << got->at(field).dump();
        }
      }
      passed += ok;
    }
  }
  std::cout << passed << "/" << cases << " RITA beacon vectors pass\n";
  EXPECT_EQ(cases, 151u);
  EXPECT_EQ(passed, cases);
}

// ---- Hand-made cases: these run without the shared corpus. ----

TEST(BeaconScore, RoundsHalvesAwayFromZeroLikeGo) {
  EXPECT_EQ(round3(0.0005), 0.001);
  EXPECT_EQ(round3(-0.0005), -0.001);
  EXPECT_EQ(round3(0.9204), 0.92);
  EXPECT_EQ(ceil3(0.5001), 0.501);
}

TEST(BeaconScore, ClosePacedIntervalsScore0995) {
  const std::vector<double> v = {98, 99, 99, 100, 100, 100, 101, 101, 102};
  const auto q = quartiles_sorted(v);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->q1, 99);
  EXPECT_EQ(q->q2, 100);
  EXPECT_EQ(q->q3, 101);
  const auto s = statistical_score(v, 1);
  ASSERT_TRUE(s);
  EXPECT_DOUBLE_EQ(s->score, 0.995);
  EXPECT_EQ(s->skew, 0);
  EXPECT_EQ(s->mad, 1);
}

TEST(BeaconScore, TukeyHingesLeaveTheMedianOut) {
  const std::vector<double> v = {1, 2, 25, 42, 90, 299, 500, 1500, 4975};
  const auto q = quartiles_sorted(v);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->q1, 13.5);
  EXPECT_EQ(q->q2, 90);
  EXPECT_EQ(q->q3, 1000);
}

TEST(BeaconScore, BowleyIgnoredBelowAnIqrOfTen) {
  // Q1 1.5, Q2 3, Q3 8.5: IQR 7, so no skew although (1.5 + 8.5 - 6) / 7 would be 0.571.
  const auto s = bowley_skewness(std::vector<double>{1, 2, 3, 8, 9});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->skewness, 0);
  EXPECT_EQ(s->score, 1);
  EXPECT_FALSE(bowley_skewness(std::vector<double>{1, 2}));
}

TEST(BeaconScore, WeightsMustSumToExactlyOne) {
  EXPECT_FALSE(beacon_score(0.5, 0.5, 0.5, 0.5, {0.3, 0.3, 0.2, 0.1}));
  EXPECT_EQ(*beacon_score(1, 1, 1, 1), 1);
  EXPECT_FALSE(beacon_score(1.1, 1, 1, 1));
}

TEST(BeaconScore, BucketsOnRitaThresholds) {
  EXPECT_EQ(bucketed_score(49), 0);
  EXPECT_DOUBLE_EQ(bucketed_score(50), 0.2);
  EXPECT_DOUBLE_EQ(bucketed_score(70), 0.4);
  EXPECT_DOUBLE_EQ(bucketed_score(95), 0.7);
  EXPECT_DOUBLE_EQ(bucketed_score(200), 0.8);
  EXPECT_EQ(category_of(bucketed_score(69)), Category::none);
  EXPECT_EQ(category_of(bucketed_score(70)), Category::low);
  EXPECT_EQ(category_of(bucketed_score(90)), Category::medium);
  EXPECT_EQ(category_of(bucketed_score(100)), Category::high);
}

TEST(BeaconScore, HourlyBeaconOverADayScoresOne) {
  const uint32_t t0 = 1517338924;
  std::vector<uint32_t> ts;
  std::vector<double> bytes;
  for (uint32_t i = 0; i < 24; ++i) {
    ts.push_back(t0 + i * 3600);
    bytes.push_back(600);
  }
  const PairScore p = score_pair(ts, bytes, t0, t0 + 24 * 3600);
  ASSERT_EQ(p.verdict, Verdict::scored);
  EXPECT_EQ(p.score, 1);
  EXPECT_EQ(p.ts.score, 1);
  EXPECT_EQ(p.ds.score, 1);
  EXPECT_EQ(p.hist.score, 1);
  EXPECT_EQ(p.dur.score, 1);
  EXPECT_EQ(p.category, Category::high);
}

TEST(BeaconScore, GatesOnUniqueTimestampsAndStrobes) {
  const std::vector<uint32_t> three = {10, 10, 20, 30, 30};
  EXPECT_EQ(score_pair(three, std::vector<double>(5, 1.0), 0, 100).verdict, Verdict::too_few);
  std::vector<uint32_t> strobe(86400);
  for (uint32_t i = 0; i < strobe.size(); ++i) strobe[i] = 1000 + i;
  EXPECT_EQ(
      score_pair(strobe, std::vector<double>(strobe.size(), 60.0), 1000, 1000 + 86400).verdict,
      Verdict::strobe);
  const std::vector<uint32_t> four = {10, 20, 30, 40};
  EXPECT_EQ(score_pair(four, std::vector<double>(4, 1.0), 50, 50).verdict, Verdict::error);
}

TEST(BeaconScore, DuplicateTimestampsStayInTheGraphButNotTheScore) {
  const std::vector<uint32_t> ts = {100, 100, 160, 220, 280, 280, 340};
  const auto r = timestamp_score(ts);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->score, 1);
  EXPECT_EQ(r->intervals.values, (std::vector<int64_t>{0, 60}));
  EXPECT_EQ(r->intervals.counts, (std::vector<int64_t>{2, 4}));
  EXPECT_EQ(r->intervals.mode, 60);
}

}  // namespace
}  // namespace callhome::beacon
