// What every page flowbench writes for a browser shares: escaping, the head (inline styles, a
// Content-Security-Policy that lets the page load nothing over the network), the small
// script behind tooltips and sortable tables, and numbers for SVG.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

namespace flowbench {

// Text safe inside HTML elements and attribute values (control characters dropped).
std::string html_escape(std::string_view text);

// <!doctype html> through <body>: the title, the shared styles plus `extra_css`, and the
// policy `default-src 'none'` (inline scripts and styles, data: images; nothing fetched).
void write_page_head(std::ostream& out, std::string_view title, std::string_view extra_css = {});

// The shared script (tooltips for elements with data-tip, tables with class "sortable") and
// </body></html>.
void write_page_end(std::ostream& out, std::string_view extra_script = {});

// A number for an SVG coordinate or a data attribute: up to 2 decimals, no exponent.
std::string svg_number(double value);

// `bytes` as base64 (for data: URIs).
std::string base64(std::string_view bytes);

}  // namespace flowbench
