// The TCP signatures of p0f 3's database (p0f.fp, as Debian's `p0f` package installs it at
// /etc/p0f/p0f.fp), read at run time as data, and p0f's way of matching a SYN or SYN+ACK against
// them: exact matches first, a generic ("g:") one if nothing specific fits, else a fuzzy one
// (TTL too far, or DF/ID/ECN quirks differing).
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "enrich/result.h"
#include "fingerprint/tcp_signature.h"

namespace callhome {

// A "label = s:win:Windows:XP" line: what the signatures under it identify.
struct P0fLabel {
  bool generic = false;  // "g:" (a catch-all) rather than "s:" (specific)
  std::string os_class;  // "win", "unix", "other"; "!" for a userland tool (nmap, sendsyn)
  std::string name;      // "Windows"
  std::string flavor;    // "XP" (may be empty)

  bool is_tool() const { return os_class == "!"; }
  std::string text() const { return flavor.empty() ? name : name + " " + flavor; }
};

struct P0fSignature {
  TcpSignature sig;
  bool bad_ttl = false;  // "64-": the tool randomises its TTL
  size_t label = 0;      // index into P0fDatabase::labels()
  size_t line = 0;       // in p0f.fp
  std::string text;      // the signature as written
};

// How a packet matched. `signature` is null when nothing fits.
struct P0fMatch {
  const P0fSignature* signature = nullptr;
  const P0fLabel* label = nullptr;
  bool fuzzy = false;
  int distance = 0;  // hops from the initial TTL (with a bad_ttl signature: at most this)
  bool excess_distance = false;
};

class P0fDatabase {
 public:
  // p0f.fp's path: $CALLHOME_P0F_FP, else /etc/p0f/p0f.fp.
  static std::string default_path();
  // Reads the [tcp:request] and [tcp:response] sections; the others (mtu, http) are skipped.
  // A line that does not parse is left out and said in warnings() as "NAME:LINE: what", never
  // fatal: the file is someone else's, and one bad line should not cost the rest.
  static P0fDatabase parse(std::string_view text, std::string_view name);
  static Result<P0fDatabase> load(const std::string& path);

  // Matches a SYN (syn_ack false, against tcp:request) or a SYN+ACK (tcp:response). `syn_mss`
  // is the MSS of the SYN a SYN+ACK answers (0 if unknown).
  P0fMatch match(bool syn_ack, const TcpSignature& packet, uint16_t syn_mss = 0) const;

  const std::vector<P0fLabel>& labels() const { return labels_; }
  const std::vector<P0fSignature>& signatures(bool syn_ack) const { return sigs_[syn_ack]; }
  const std::vector<std::string>& warnings() const { return warnings_; }
  bool empty() const { return sigs_[0].empty() && sigs_[1].empty(); }

 private:
  std::vector<P0fLabel> labels_;
  std::array<std::vector<P0fSignature>, 2> sigs_;  // [0] tcp:request, [1] tcp:response
  std::vector<std::string> warnings_;
};

// Parses one "sig = " value ("*:64:0:*:mss*20,10:mss,sok,ts,nop,ws:df,id+:0"); false with *why.
bool parse_p0f_signature(std::string_view text, P0fSignature& out, std::string* why);

}  // namespace callhome
