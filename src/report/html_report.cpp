#include "report/html_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "report/escape.h"
#include "report/findings_document.h"
#include "report/text_report.h"

namespace callhome {
namespace {

// Severity colours pass WCAG AA (4.5:1) for the white badge text on them.
const char* kStyle = R"(
*{box-sizing:border-box}
body{font:15px/1.5 "DejaVu Sans","Liberation Sans",sans-serif;margin:0;padding:1.5em 2em 3em;
color:#1d2330;background:#f3f4f7}
main{max-width:80em;margin:0 auto}
h1{font-size:1.7em;margin:.3em 0 .1em}
h2{font-size:1.3em;margin:0 0 .2em;display:flex;flex-wrap:wrap;align-items:center;gap:.5em}
h3{font-size:1.05em;margin:1.5em 0 .5em;padding-bottom:.25em;border-bottom:1px solid #dfe2e8;
color:#2b3445}
a{color:#1a5c94}
p,li,td,th,div,span{overflow-wrap:anywhere}
.sub{color:#4f5869}
.none{color:#8a91a0}
.box{border:1px solid #dfe2e8;border-radius:8px;padding:1em 1.4em;margin:1.2em 0;background:#fff}
.incident{border-left:6px solid #5f6b6d}
.incident.critical{border-left-color:#7a0016}.incident.high{border-left-color:#b52f22}
.incident.medium{border-left-color:#a85400}.incident.low{border-left-color:#1f6fa8}
.sev{display:inline-block;padding:.05em .55em;border-radius:4px;color:#fff;font-weight:bold;
font-size:.8em;letter-spacing:.03em;text-transform:uppercase;white-space:nowrap;background:#5f6b6d}
.sev.critical{background:#7a0016}.sev.high{background:#b52f22}.sev.medium{background:#a85400}
.sev.low{background:#1f6fa8}
.likely{font-size:1.05em;margin:.3em 0}
table{border-collapse:collapse;width:100%;margin:.4em 0}
td,th{border-bottom:1px solid #e6e8ee;padding:.4em .6em;text-align:left;vertical-align:top}
th{background:#eef0f4;font-size:.85em;color:#3a4252;font-weight:bold}
table.hyp{table-layout:fixed}
table.hyp ul{margin:0;padding-left:1.1em}
table.hyp tr.unlikely td{color:#5f6675}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.bad{color:#9b1c1c;font-weight:bold}
code,.mono{font-family:"DejaVu Sans Mono","Liberation Mono",monospace;font-size:.92em}
.hash{font-family:"DejaVu Sans Mono","Liberation Mono",monospace;font-size:.78em;
word-break:break-all;color:#3a4252}
.for li{color:#1b5e35}.against li{color:#8e2b1f}
.meter{display:inline-block;width:5em;height:.55em;background:#e3e6ec;border-radius:3px;
vertical-align:middle;margin-right:.4em;overflow:hidden}
.meter span{display:block;height:100%;background:#1f6fa8}
ol.actions{margin:.3em 0;padding-left:1.6em}ol.actions li{margin:.25em 0}
svg.timeline{width:100%;height:auto;display:block}
.finding{border-top:1px solid #e6e8ee;padding:.7em 0}
.finding:first-of-type{border-top:0}
.fhead{display:flex;flex-wrap:wrap;align-items:baseline;gap:.5em}
.fid{font-weight:bold;color:#4f5869;min-width:2em}
.kind{font-family:"DejaVu Sans Mono","Liberation Mono",monospace;font-weight:bold}
.summary{margin:.2em 0 .2em 2.5em}
.note{margin:.1em 0 .1em 2.5em;color:#4f5869;font-size:.9em}
details{margin:.4em 0 0 2.5em}
summary{cursor:pointer;color:#3a4252;font-size:.9em}
ul.ev{list-style:none;margin:.3em 0;padding:.4em .7em;background:#f7f8fa;border:1px solid #e6e8ee;
border-radius:6px;font-family:"DejaVu Sans Mono","Liberation Mono",monospace;font-size:.85em}
ul.ev li{display:grid;grid-template-columns:minmax(7em,max-content) 1fr;gap:.8em;padding:.1em 0}
ul.ev li.file{display:block;color:#3a4252;font-weight:bold;padding-top:.3em}
ul.ev li.file:first-child{padding-top:0}
ul.ev .where{color:#5f6675;white-space:nowrap}
ul.ev li.more{display:block;color:#5f6675;font-family:"DejaVu Sans","Liberation Sans",sans-serif}
footer{margin-top:2.5em;color:#4f5869;font-size:.85em}
@media print{body{background:#fff;padding:0}.box{break-inside:avoid-page}}
)";

const char* severity_colour(Severity s) {
  switch (s) {
    case Severity::critical:
      return "#7a0016";
    case Severity::high:
      return "#b52f22";
    case Severity::medium:
      return "#a85400";
    case Severity::low:
      return "#1f6fa8";
    default:
      return "#5f6b6d";
  }
}

std::string badge(Severity s) {
  return fmt::format("<span class=\"sev {0}\">{0}</span>", to_string(s));
}

// Ticks of the timeline: the time of day when the span fits in one UTC day (the date is in the
// caption), the date and minute otherwise.
std::string tick_label(double ts, bool same_day) {
  const std::string t = format_utc(ts);  // "2001-05-16 13:58:06 UTC"
  if (t.size() < 19) return t;
  return same_day ? t.substr(11, 8) : t.substr(0, 16);
}

std::string timeline_svg(const Incident& inc, const std::vector<const Finding*>& fs) {
  // One lane per finding over the incident's time span: when each behaviour happened. The
  // drawing scales to the page (viewBox); hovering a bar shows the finding's summary.
  const double start = inc.first_ts, end = std::max(inc.last_ts, inc.first_ts + 1);
  const int left = 230, plot = 740, right = 30, lane = 26, top = 6;
  const int width = left + plot + right;
  const int lanes_h = int(fs.size()) * lane;
  const int height = top + lanes_h + 40;
  const std::string first = format_utc(start), last = format_utc(end);
  const bool same_day = first.substr(0, 10) == last.substr(0, 10);
  std::string svg = fmt::format(
      "<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {0} {1}\" "
      "width=\"{0}\" height=\"{1}\" role=\"img\" aria-label=\"timeline of the findings\" "
      "font-family=\"DejaVu Sans,Liberation Sans,sans-serif\">",
      width, height);
  for (size_t i = 0; i < fs.size(); ++i) {  // zebra lanes
    if (i % 2 == 0) {
      svg += fmt::format(
          "<rect x=\"0\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#f3f4f7\" rx=\"3\"/>",
          top + int(i) * lane, width, lane);
    }
  }
  for (int q = 0; q <= 4; ++q) {  // grid lines and ticks at the quarters
    const double x = left + plot * q / 4.0;
    const char* anchor = q == 0 ? "start" : q == 4 ? "end" : "middle";
    svg += fmt::format(
        "<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#c9cdd6\" "
        "stroke-width=\"1\"{3}/>"
        "<text x=\"{0:.1f}\" y=\"{4}\" font-size=\"12\" fill=\"#3a4252\" "
        "text-anchor=\"{5}\">{6}</text>",
        x, top, top + lanes_h + 4, q == 0 || q == 4 ? "" : " stroke-dasharray=\"3 3\"",
        top + lanes_h + 18, anchor,
        html_escape(tick_label(start + (end - start) * q / 4.0, same_day)));
  }
  int y = top;
  for (const Finding* f : fs) {
    double x0 = left + (f->first_ts - start) / (end - start) * plot;
    double x1 = left + (f->last_ts - start) / (end - start) * plot;
    double w = std::max(x1 - x0, 6.0);
    x0 = std::min(x0, double(left + plot) - w);
    svg += fmt::format(
        "<text x=\"6\" y=\"{}\" font-size=\"13\" fill=\"#1d2330\"><tspan font-weight=\"bold\">"
        "{}</tspan> {}</text>"
        "<rect x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"14\" rx=\"3\" "
        "fill=\"{}\"><title>{}: {}</title></rect>",
        y + 18, html_escape(f->id), html_escape(to_string(f->kind)), x0, y + 6, w,
        severity_colour(f->severity), html_escape(f->id), html_escape(f->summary));
    y += lane;
  }
  svg +=
      fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#4f5869\">{}</text>", left,
                  top + lanes_h + 34,
                  html_escape(same_day ? "UTC, " + first.substr(0, 10) + " (" +
                                             first.substr(11, 8) + " to " + last.substr(11, 8) + ")"
                                       : "UTC, " + first + " to " + last));
  svg += "</svg>";
  return svg;
}

// "2001-05-16 13:58:06 UTC – 13:59:12 UTC": the end's date only when it differs.
std::string span_text(double first, double last) {
  const std::string a = format_utc(first), b = format_utc(last);
  if (a.size() >= 19 && b.size() >= 19 && a.substr(0, 10) == b.substr(0, 10)) {
    return html_escape(a) + " &ndash; " + html_escape(b.substr(11));
  }
  return html_escape(a) + " &ndash; " + html_escape(b);
}

// "update_agent_proxy_bypass" may break after its underscores, never inside a word.
std::string breakable_name(const std::string& name) {
  std::string out;
  for (char c : html_escape(name)) {
    out += c;
    if (c == '_') out += "<wbr>";
  }
  return out;
}

std::string list_or_none(const std::vector<std::string>& items) {
  if (items.empty()) return "<span class=\"none\">&mdash;</span>";
  std::string out = "<ul>";
  for (const auto& e : items) out += "<li>" + html_escape(e) + "</li>";
  return out + "</ul>";
}

// The evidence of one finding, grouped by input file: the file is named once, then each cited
// packet or line with what it shows.
std::string evidence_list(const std::vector<InputReport>& inputs, const Finding& f) {
  constexpr size_t kShown = 10;
  if (f.evidence.empty()) return "";
  std::string ev = "<ul class=\"ev\">";
  size_t current = size_t(-1);
  for (size_t e = 0; e < f.evidence.size() && e < kShown; ++e) {
    const auto& r = f.evidence[e];
    std::string where;
    if (r.prov.input < inputs.size()) {
      if (r.prov.input != current) {
        current = r.prov.input;
        ev += "<li class=\"file\">" + html_escape(inputs[current].path) + "</li>";
      }
      where = evidence_ref(inputs[r.prov.input], r.prov.ref);
    } else {
      where = std::to_string(r.prov.ref);
    }
    ev += "<li><span class=\"where\">" + html_escape(where) + "</span><span>" +
          html_escape(r.what) + "</span></li>";
  }
  if (f.evidence.size() > kShown) {
    ev += fmt::format("<li class=\"more\">&hellip; {} more in findings.json</li>",
                      f.evidence.size() - kShown);
  }
  ev += "</ul>";
  return fmt::format("<details open><summary>evidence: {} cited{}</summary>{}</details>",
                     f.evidence.size(),
                     f.evidence.size() > kShown ? fmt::format(", first {} shown", kShown) : "", ev);
}

}  // namespace

std::string render_html_report(const std::vector<InputReport>& inputs,
                               const std::vector<Finding>& findings,
                               const std::vector<Incident>& incidents) {
  std::string out;
  auto w = std::back_inserter(out);
  out +=
      "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'; img-src data:\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>callhome report</title><style>";
  out += kStyle;
  out += "</style></head><body><main>";
  fmt::format_to(w,
                 "<h1>Who is calling out</h1><p class=\"sub\">callhome {} &middot; {} "
                 "input(s) &middot; {} finding(s) &middot; {} incident(s)</p>",
                 CALLHOME_VERSION, inputs.size(), findings.size(), incidents.size());
  std::map<std::string, const Finding*> by_id;
  for (const auto& f : findings) by_id[f.id] = &f;
  if (incidents.empty()) {
    out += "<p class=\"box\">No host shows behaviour worth investigating.</p>";
  } else {
    // Overview: one row per incident, most severe first, linking to its section.
    out +=
        "<section class=\"box\"><h2>Hosts to look at</h2><table><tr><th>#</th><th>severity</th>"
        "<th>host</th><th>most likely</th><th class=\"num\">findings</th><th>when (UTC)</th>"
        "</tr>";
    for (size_t i = 0; i < incidents.size(); ++i) {
      const Incident& inc = incidents[i];
      std::string likely = "<span class=\"none\">&mdash;</span>";
      if (!inc.hypotheses.empty()) {
        likely = fmt::format("{} ({:.0f}%)", html_escape(inc.hypotheses.front().name),
                             100 * inc.hypotheses.front().confidence);
      }
      fmt::format_to(w,
                     "<tr><td><a href=\"#host-{0}\">#{0}</a></td><td>{1}</td><td class=\"mono\">"
                     "<a href=\"#host-{0}\">{2}</a></td><td>{3}</td><td class=\"num\">{4}</td>"
                     "<td>{5}</td></tr>",
                     i + 1, badge(inc.severity), html_escape(inc.host.to_string()), likely,
                     inc.findings.size(), span_text(inc.first_ts, inc.last_ts));
    }
    out += "</table></section>";
  }
  for (size_t i = 0; i < incidents.size(); ++i) {
    const Incident& inc = incidents[i];
    std::vector<const Finding*> fs;
    for (const auto& id : inc.findings) {
      if (by_id.contains(id)) fs.push_back(by_id[id]);
    }
    fmt::format_to(w,
                   "<section class=\"box incident {}\" id=\"host-{}\"><h2>#{} {} "
                   "<span class=\"mono\">{}</span></h2><p class=\"sub\">{} &middot; {} "
                   "finding(s)</p>",
                   to_string(inc.severity), i + 1, i + 1, badge(inc.severity),
                   html_escape(inc.host.to_string()), span_text(inc.first_ts, inc.last_ts),
                   fs.size());
    if (!inc.hypotheses.empty()) {
      const Hypothesis& top = inc.hypotheses.front();
      fmt::format_to(w, "<p class=\"likely\">Most likely: <b>{}</b> ({:.0f}%)</p>",
                     html_escape(top.name), 100 * top.confidence);
    }
    out +=
        "<h3>Explanations</h3><table class=\"hyp\"><colgroup><col style=\"width:22%\">"
        "<col style=\"width:10em\"><col><col></colgroup><tr><th>explanation</th>"
        "<th>confidence</th><th>evidence for</th><th>evidence against</th></tr>";
    for (const auto& h : inc.hypotheses) {
      if (h.confidence < 0.01 && &h != &inc.hypotheses.front()) continue;
      const bool unlikely = &h != &inc.hypotheses.front() && h.confidence < 0.1;
      fmt::format_to(w,
                     "<tr{}><td><b>{}</b></td><td class=\"num\" style=\"text-align:left\">"
                     "<span class=\"meter\"><span style=\"width:{:.0f}%\"></span></span>"
                     "{:.0f}%</td><td class=\"for\">{}</td><td class=\"against\">{}</td></tr>",
                     unlikely ? " class=\"unlikely\"" : "", breakable_name(h.name),
                     100 * h.confidence, 100 * h.confidence, list_or_none(h.evidence_for),
                     list_or_none(h.evidence_against));
    }
    out += "</table>";
    if (!inc.related_hosts.empty()) {
      out += "<p>Same story on: ";
      for (const auto& h : inc.related_hosts) {
        out += "<span class=\"mono\">" + html_escape(h.to_string()) + "</span> ";
      }
      if (inc.related_count > inc.related_hosts.size()) {
        fmt::format_to(w, "and {} more", inc.related_count - inc.related_hosts.size());
      }
      out += "</p>";
    }
    out += "<h3>What to do</h3><ol class=\"actions\">";
    for (const auto& a : inc.actions) out += "<li>" + html_escape(a) + "</li>";
    out += "</ol><h3>When</h3>" + timeline_svg(inc, fs);
    out += "<h3>Findings and evidence</h3>";
    for (const Finding* f : fs) {
      fmt::format_to(w,
                     "<div class=\"finding\"><div class=\"fhead\"><span class=\"fid\">{}</span>"
                     "{}<span class=\"kind\">{}</span><span class=\"sub\">{}</span></div>"
                     "<p class=\"summary\">{}</p>",
                     html_escape(f->id), badge(f->severity), html_escape(to_string(f->kind)),
                     span_text(f->first_ts, f->last_ts), html_escape(f->summary));
      for (const auto& n : f->notes) out += "<p class=\"note\">" + html_escape(n) + "</p>";
      out += evidence_list(inputs, *f) + "</div>";
    }
    out += "</section>";
  }
  out +=
      "<section class=\"box\"><h2>Inputs</h2><table><tr><th>file</th><th>format</th>"
      "<th class=\"num\">bytes</th><th class=\"num\">records</th><th class=\"num\">rejected</th>"
      "<th>SHA-256</th></tr>";
  for (const auto& r : inputs) {
    fmt::format_to(w,
                   "<tr><td class=\"mono\">{}</td><td>{}</td><td class=\"num\">{}</td>"
                   "<td class=\"num\">{}</td><td class=\"num{}\">{}</td>"
                   "<td class=\"hash\">{}</td></tr>",
                   html_escape(r.path), html_escape(r.format), r.bytes, r.records,
                   r.rejected ? " bad" : "", r.rejected, html_escape(r.sha256));
  }
  out +=
      "</table></section><footer>Evidence files were opened read-only and hashed while read. "
      "Times are UTC. IP-to-ASN data: RouteViews and DB-IP (CC-BY-4.0), when installed."
      "</footer></main></body></html>\n";
  return out;
}

}  // namespace callhome
