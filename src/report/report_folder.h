// A report folder (-o DIR) that is never a mix of two runs nor half written: every file of a
// run is written into a fresh folder beside DIR (unpredictable name, mode 0700 while it is
// filled) and that folder is swapped in for DIR in one step (renameat2 RENAME_EXCHANGE, or,
// where the file system lacks it, DIR renamed aside and the new folder renamed into place: a
// kill between the two leaves DIR missing and the previous report beside it, never a mix).
//
// DIR is only replaced when it is missing, empty, or a previous callhome report (nothing in it
// but the files callhome writes, manifest.json among them and written by callhome): a folder
// holding anything else is refused, so no file callhome did not write is ever removed.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "report/output_file.h"

namespace callhome {

// Whether `text` is a manifest.json written by callhome (a JSON object whose "tool" is
// "callhome").
bool is_callhome_manifest(std::string_view text);

class ReportFolder {
 public:
  // `extra` names files besides the standard ones that this run writes into the folder (the
  // --json file, when it is given inside DIR).
  ReportFolder(std::string dir, std::vector<std::string> extra = {});
  ~ReportFolder();  // removes the new folder if commit() was never reached
  ReportFolder(const ReportFolder&) = delete;
  ReportFolder& operator=(const ReportFolder&) = delete;

  // Empty when DIR may be replaced; otherwise why not. Looks only, writes nothing.
  std::string check() const;
  // The identities of DIR (when it exists) and of every file in it: what the run must not read.
  bool dir_id(FileId& id) const;
  std::vector<FileId> existing_files() const;

  // Creates the new folder beside DIR (and DIR's parents when missing).
  bool start(std::string& error);
  // Creates `name` in the new folder; nullptr with `error` set on failure. Closed by the caller.
  std::FILE* create(const std::string& name, std::string& error);
  bool add(const std::string& name, std::string_view content, std::string& error);
  // Swaps the new folder in for DIR and removes the previous report.
  bool commit(std::string& error);

  // Names callhome writes into a report folder.
  static const std::vector<std::string>& standard_names();

 private:
  bool owned_name(const std::string& name) const;
  void remove_folder(const std::string& path) const;  // only our own names, then the folder

  std::string dir_;     // as given
  std::string parent_;  // where the new folder is made
  std::vector<std::string> extra_;
  std::string staging_;  // the new folder while it is filled
};

}  // namespace callhome
