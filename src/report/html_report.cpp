#include "report/html_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "report/escape.h"
#include "report/findings_document.h"
#include "report/text_report.h"

namespace callhome {
namespace {

const char* kStyle = R"(
body{font-family:"DejaVu Sans","Liberation Sans",sans-serif;margin:2em auto;max-width:70em;
color:#1d2330;background:#fbfbfd;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;margin-top:1.6em}
.sub{color:#5b6375}
.incident{border:1px solid #d6d9e0;border-radius:8px;padding:1em 1.2em;margin:1.2em 0;background:#fff}
.sev{display:inline-block;padding:.1em .6em;border-radius:4px;color:#fff;font-weight:bold;
font-size:.85em;text-transform:uppercase}
.critical{background:#7a0016}.high{background:#c0392b}.medium{background:#d68910}
.low{background:#2e86c1}.info{background:#7f8c8d}
table{border-collapse:collapse;width:100%;margin:.5em 0}
td,th{border-bottom:1px solid #e3e5ea;padding:.3em .5em;text-align:left;vertical-align:top;font-size:.92em}
th{background:#f1f2f6}
code,.mono{font-family:"DejaVu Sans Mono","Liberation Mono",monospace;font-size:.9em;word-break:break-all}
.for{color:#1e6f3d}.against{color:#8e2b1f}
.bar{height:.6em;background:#2e86c1;border-radius:3px;display:inline-block}
ol.actions li{margin:.2em 0}
footer{margin-top:3em;color:#5b6375;font-size:.85em}
)";

const char* severity_colour(Severity s) {
  switch (s) {
    case Severity::critical:
      return "#7a0016";
    case Severity::high:
      return "#c0392b";
    case Severity::medium:
      return "#d68910";
    case Severity::low:
      return "#2e86c1";
    default:
      return "#7f8c8d";
  }
}

std::string timeline_svg(const Incident& inc, const std::vector<const Finding*>& fs) {
  // One lane per finding over the incident's time span: when each behaviour happened.
  const double start = inc.first_ts, end = std::max(inc.last_ts, inc.first_ts + 1);
  const int width = 760, lane = 18, left = 170;
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" role=\"img\" "
      "aria-label=\"timeline\">",
      width + left, int(fs.size()) * lane + 24);
  int y = 4;
  for (const Finding* f : fs) {
    double x0 = left + (f->first_ts - start) / (end - start) * width;
    double x1 = left + (f->last_ts - start) / (end - start) * width;
    svg += fmt::format(
        "<text x=\"0\" y=\"{}\" font-size=\"11\" fill=\"#1d2330\">{} {}</text>"
        "<rect x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"10\" rx=\"2\" "
        "fill=\"{}\"><title>{}</title></rect>",
        y + 10, html_escape(f->id), html_escape(f->kind), x0, y + 1, std::max(x1 - x0, 3.0),
        severity_colour(f->severity), html_escape(f->summary));
    y += lane;
  }
  svg += fmt::format(
      "<text x=\"{}\" y=\"{}\" font-size=\"10\" fill=\"#5b6375\">{}</text>"
      "<text x=\"{}\" y=\"{}\" font-size=\"10\" fill=\"#5b6375\" text-anchor=\"end\">{}</text>",
      left, y + 12, format_utc(start), left + width, y + 12, format_utc(end));
  svg += "</svg>";
  return svg;
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
      "<title>callhome report</title><style>";
  out += kStyle;
  out += "</style></head><body>";
  fmt::format_to(w,
                 "<h1>Who is calling out</h1><p class=\"sub\">callhome {} &middot; {} "
                 "input(s) &middot; {} finding(s) &middot; {} incident(s)</p>",
                 CALLHOME_VERSION, inputs.size(), findings.size(), incidents.size());
  std::map<std::string, const Finding*> by_id;
  for (const auto& f : findings) by_id[f.id] = &f;
  if (incidents.empty()) out += "<p>No host shows behaviour worth investigating.</p>";
  for (size_t i = 0; i < incidents.size(); ++i) {
    const Incident& inc = incidents[i];
    std::vector<const Finding*> fs;
    for (const auto& id : inc.findings) {
      if (by_id.contains(id)) fs.push_back(by_id[id]);
    }
    fmt::format_to(w,
                   "<section class=\"incident\" id=\"host-{}\"><h2>#{} <span class=\"sev {}\">"
                   "{}</span> <span class=\"mono\">{}</span></h2>"
                   "<p class=\"sub\">{} &ndash; {}</p>",
                   i + 1, i + 1, to_string(inc.severity), to_string(inc.severity),
                   html_escape(inc.host.to_string()), format_utc(inc.first_ts),
                   format_utc(inc.last_ts));
    out +=
        "<table><tr><th>explanation</th><th>confidence</th><th>evidence for</th>"
        "<th>evidence against</th></tr>";
    for (const auto& h : inc.hypotheses) {
      if (h.confidence < 0.01 && &h != &inc.hypotheses.front()) continue;
      std::string pro, con;
      for (const auto& e : h.evidence_for) pro += "<li>" + html_escape(e) + "</li>";
      for (const auto& e : h.evidence_against) con += "<li>" + html_escape(e) + "</li>";
      fmt::format_to(w,
                     "<tr><td><b>{}</b></td><td><span class=\"bar\" style=\"width:{:.0f}px\">"
                     "</span> {:.0f}%</td><td class=\"for\"><ul>{}</ul></td>"
                     "<td class=\"against\"><ul>{}</ul></td></tr>",
                     html_escape(h.name), 80 * h.confidence, 100 * h.confidence, pro, con);
    }
    out += "</table>";
    if (!inc.related_hosts.empty()) {
      out += "<p>Same story on: ";
      for (const auto& h : inc.related_hosts) {
        out += "<span class=\"mono\">" + html_escape(h.to_string()) + "</span> ";
      }
      out += "</p>";
    }
    out += "<h3>What to do</h3><ol class=\"actions\">";
    for (const auto& a : inc.actions) out += "<li>" + html_escape(a) + "</li>";
    out += "</ol><h3>When</h3>" + timeline_svg(inc, fs);
    out +=
        "<h3>Findings and evidence</h3><table><tr><th>id</th><th>severity</th><th>what</th>"
        "<th>evidence</th></tr>";
    for (const Finding* f : fs) {
      std::string ev;
      for (size_t e = 0; e < f->evidence.size() && e < 10; ++e) {
        const auto& r = f->evidence[e];
        std::string where =
            r.prov.input < inputs.size()
                ? inputs[r.prov.input].path + " " + evidence_ref(inputs[r.prov.input], r.prov.ref)
                : std::to_string(r.prov.ref);
        ev += "<div class=\"mono\">" + html_escape(where) + ": " + html_escape(r.what) + "</div>";
      }
      if (f->evidence.size() > 10) {
        ev += fmt::format("<div>&hellip; {} more in findings.json</div>", f->evidence.size() - 10);
      }
      std::string notes;
      for (const auto& n : f->notes) notes += "<div class=\"sub\">" + html_escape(n) + "</div>";
      fmt::format_to(w,
                     "<tr><td>{}</td><td><span class=\"sev {}\">{}</span></td><td><b>{}</b>: "
                     "{}{}</td><td>{}</td></tr>",
                     html_escape(f->id), to_string(f->severity), to_string(f->severity),
                     html_escape(f->kind), html_escape(f->summary), notes, ev);
    }
    out += "</table></section>";
  }
  out +=
      "<h2>Inputs</h2><table><tr><th>file</th><th>format</th><th>bytes</th><th>records</th>"
      "<th>rejected</th><th>SHA-256</th></tr>";
  for (const auto& r : inputs) {
    fmt::format_to(w,
                   "<tr><td class=\"mono\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                   "<td class=\"mono\">{}</td></tr>",
                   html_escape(r.path), html_escape(r.format), r.bytes, r.records, r.rejected,
                   html_escape(r.sha256));
  }
  out +=
      "</table><footer>Evidence files were opened read-only and hashed while read. "
      "IP-to-ASN data: RouteViews and DB-IP (CC-BY-4.0), when installed.</footer>"
      "</body></html>\n";
  return out;
}

}  // namespace callhome
