#include "report/html_page.h"

#include <openssl/evp.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "util/xml.h"

namespace flowbench {

namespace {

constexpr std::string_view kStyle = R"(
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2330; margin: 2em auto;
       max-width: 1180px; padding: 0 1.5em; }
h1 { font-size: 1.7em; margin-bottom: .2em; } h2 { margin-top: 1.8em; border-bottom: 1px solid #dde1e8; }
table { border-collapse: collapse; margin: .6em 0 1em; font-variant-numeric: tabular-nums; }
th, td { padding: .3em .7em; border-bottom: 1px solid #e4e7ec; text-align: left; vertical-align: top; }
th { background: #f4f6f9; font-weight: 600; }
table.sortable th { cursor: pointer; user-select: none; } table.sortable th:hover { background: #e8ecf2; }
th.asc::after { content: " \25B2"; font-size: .7em; } th.desc::after { content: " \25BC"; font-size: .7em; }
td.num, th.num { text-align: right; }
tr.fail td { background: #fdecec; } .verdict-fail { color: #b3261e; font-weight: 600; } .verdict-met { color: #1e7b34; }
.muted { color: #5f6b7a; } .note { color: #5f6b7a; font-size: .92em; }
#tip { position: fixed; display: none; pointer-events: none; background: #1d2330; color: #fff; padding: .5em .7em;
       border-radius: 4px; font-size: 12.5px; white-space: pre-line; max-width: 420px; z-index: 10;
       box-shadow: 0 2px 8px rgba(0,0,0,.25); }
svg text { font: 11px system-ui, sans-serif; fill: #5f6b7a; }
img { max-width: 100%; }
)";

constexpr std::string_view kScript = R"(
(function () {
  var tip = document.getElementById('tip');
  document.addEventListener('mouseover', function (e) {
    var el = e.target.closest ? e.target.closest('[data-tip]') : null;
    if (!el) { tip.style.display = 'none'; return; }
    tip.textContent = el.getAttribute('data-tip');
    tip.style.display = 'block';
  });
  document.addEventListener('mousemove', function (e) {
    if (tip.style.display !== 'block') return;
    var x = e.clientX + 14, y = e.clientY + 14;
    if (x + tip.offsetWidth > window.innerWidth) x = e.clientX - tip.offsetWidth - 14;
    if (y + tip.offsetHeight > window.innerHeight) y = e.clientY - tip.offsetHeight - 14;
    tip.style.left = x + 'px'; tip.style.top = y + 'px';
  });
  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, column) {
      th.addEventListener('click', function () {
        var ascending = !th.classList.contains('asc');
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.classList.remove('asc', 'desc'); });
        th.classList.add(ascending ? 'asc' : 'desc');
        var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
        var key = function (row) {
          var cell = row.cells[column], v = cell.getAttribute('data-value');
          return v !== null ? parseFloat(v) : cell.textContent.trim().toLowerCase();
        };
        rows.sort(function (a, b) {
          var x = key(a), y = key(b);
          var order = (typeof x === 'number' && typeof y === 'number') ? x - y : (x < y ? -1 : x > y ? 1 : 0);
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
})();
)";

}  // namespace

std::string html_escape(std::string_view text) { return xml_escape(std::string(text)); }

void write_page_head(std::ostream& out, std::string_view title, std::string_view extra_css) {
  out << "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; "
         "style-src 'unsafe-inline'; img-src data:\">\n"
      << "<title>" << html_escape(title) << "</title>\n<style>" << kStyle << extra_css << "</style>\n</head>\n<body>\n"
      << "<div id=\"tip\" role=\"tooltip\"></div>\n";
}

void write_page_end(std::ostream& out, std::string_view extra_script) {
  out << "<script>" << kScript << extra_script << "</script>\n</body></html>\n";
}

std::string svg_number(double value) {
  if (!std::isfinite(value)) return "0";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f", value);
  std::string text = buffer;
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text == "-0" ? "0" : text;
}

std::string base64(std::string_view bytes) {
  std::vector<unsigned char> out(4 * ((bytes.size() + 2) / 3) + 1);
  const int length = EVP_EncodeBlock(out.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                                     static_cast<int>(bytes.size()));
  return std::string(reinterpret_cast<const char*>(out.data()), static_cast<std::size_t>(length));
}

}  // namespace flowbench
