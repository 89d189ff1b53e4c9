// Every string that came from evidence (a URL, a user agent, a file name, a log field) is
// escaped for the medium it is shown in, so that evidence can never act on the reader.
#pragma once

#include <string>
#include <string_view>

namespace callhome {

// Terminal: control characters (ANSI escapes included) become \xNN; invalid UTF-8 bytes too.
// C1 controls (U+0080-U+009F) and bidi overrides/isolates (U+202A-U+202E, U+2066-U+2069)
// become \uNNNN in every escaping below; other valid UTF-8 is kept as it is.
std::string term_escape(std::string_view s);
// HTML text and attribute values.
std::string html_escape(std::string_view s);
// Markdown inline text: characters with Markdown or HTML meaning are backslash-escaped and
// control characters shown as \xNN, so a URL cannot become a link, an image or a tag.
std::string md_escape(std::string_view s);

}  // namespace callhome
