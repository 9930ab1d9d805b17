// Globs over names (metric keys such as "task:8" or "op:8/compile", benchmark names such as
// "BM_Task8/compile"), as shells match words: '*' is any run of characters ('/' included),
// '?' one character, "[abc]", "[a-z]" and "[!abc]" one character of a class. Everything
// else matches itself.
#pragma once

#include <string>
#include <vector>

namespace flowbench {

// True when the pattern uses any of '*', '?', '['.
bool is_name_glob(const std::string& pattern);

// Empty when `pattern` is a well-formed glob; else what is wrong with it (an unclosed or
// empty class).
std::string name_glob_problem(const std::string& pattern);

// True when `name` matches the whole pattern. `captures`, when given, receives what each
// '*' and '?' matched, in order (the leftmost-shortest match).
bool name_glob_match(const std::string& pattern, const std::string& name,
                     std::vector<std::string>* captures = nullptr);

}  // namespace flowbench
