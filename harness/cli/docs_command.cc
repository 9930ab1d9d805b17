// `flowbench completion bash` and `flowbench man`: the shell completion and the man page,
// both written from the command line's own definition (every subcommand, option and its
// description), so neither can drift from what the binary accepts. The install rule writes
// them at build time.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "build_info.h"
#include "cli/cli_common.h"

namespace flowbench::cli {

namespace {

// The visible subcommands of `app` (a hidden one has an empty group).
std::vector<const CLI::App*> subcommands_of(const CLI::App& app) {
  std::vector<const CLI::App*> out;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (!sub->get_group().empty()) out.push_back(sub);
  }
  return out;
}

std::vector<std::string> option_words(const CLI::App& app) {
  std::vector<std::string> words;
  for (const CLI::Option* option : app.get_options()) {
    for (const auto& name : option->get_lnames()) words.push_back("--" + name);
    for (const auto& name : option->get_snames()) words.push_back("-" + name);
  }
  return words;
}

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

// A case arm per command path ("run", "history show", ...): its subcommands and options.
void completion_cases(std::ostream& out, const CLI::App& app, const std::string& path) {
  std::vector<std::string> words = option_words(app);
  for (const CLI::App* sub : subcommands_of(app)) words.push_back(sub->get_name());
  out << "    \"" << path << "\") words=\"" << joined(words) << "\" ;;\n";
  for (const CLI::App* sub : subcommands_of(app)) {
    completion_cases(out, *sub, path.empty() ? sub->get_name() : path + " " + sub->get_name());
  }
}

void write_completion(std::ostream& out, const CLI::App& root) {
  out << "# bash completion for flowbench " << kVersion << ", written by `flowbench completion bash`\n"
      << "_flowbench() {\n"
      << "  local cur=${COMP_WORDS[COMP_CWORD]} path=\"\" words=\"\" i\n"
      << "  # The command path so far: the words that name subcommands.\n"
      << "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
      << "    case \"${COMP_WORDS[i]}\" in -*) continue ;; esac\n"
      << "    local next=\"${path:+$path }${COMP_WORDS[i]}\"\n"
      << "    _flowbench_known \"$next\" && path=$next\n"
      << "  done\n"
      << "  case \"$path\" in\n";
  completion_cases(out, root, "");
  out << "  esac\n"
      << "  if [[ $cur == -* || -n $words ]]; then COMPREPLY=($(compgen -W \"$words\" -- \"$cur\")); fi\n"
      << "  [[ ${#COMPREPLY[@]} -eq 0 ]] && COMPREPLY=($(compgen -f -- \"$cur\"))\n"
      << "}\n"
      << "_flowbench_known() {\n  case \"$1\" in\n";
  std::vector<std::pair<const CLI::App*, std::string>> stack = {{&root, ""}};
  std::vector<std::string> paths;
  while (!stack.empty()) {
    auto [app, path] = stack.back();
    stack.pop_back();
    for (const CLI::App* sub : subcommands_of(*app)) {
      const std::string next = path.empty() ? sub->get_name() : path + " " + sub->get_name();
      paths.push_back(next);
      stack.push_back({sub, next});
    }
  }
  for (const auto& p : paths) out << "    \"" << p << "\") return 0 ;;\n";
  out << "  esac\n  return 1\n}\ncomplete -F _flowbench flowbench\n";
}

// roff needs its backslashes and leading dots escaped.
std::string roff(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') out += "\\e";
    else if (c == '-') out += "\\-";
    else out += c;
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out = "\\&" + out;
  return out;
}

void man_options(std::ostream& out, const CLI::App& app) {
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_lnames().empty() && option->get_snames().empty() && option->get_name().empty()) continue;
    if (option->get_lnames().size() == 1 && option->get_lnames()[0] == "help") continue;
    out << ".TP\n.B " << roff(option->get_name(false, true)) << "\n" << roff(option->get_description()) << "\n";
  }
}

void man_commands(std::ostream& out, const CLI::App& app, const std::string& path) {
  for (const CLI::App* sub : subcommands_of(app)) {
    const std::string name = path.empty() ? sub->get_name() : path + " " + sub->get_name();
    out << ".SS \"flowbench " << roff(name) << "\"\n" << roff(sub->get_description()) << "\n";
    man_options(out, *sub);
    man_commands(out, *sub, name);
  }
}

void write_man(std::ostream& out, const CLI::App& root) {
  out << ".TH FLOWBENCH 1 \"\" \"flowbench " << kVersion << "\" \"User Commands\"\n"
      << ".\\\" Written by `flowbench man` from the command line's own definition.\n"
      << ".SH NAME\nflowbench \\- run, profile, benchmark and gate multi\\-task workflows\n"
      << ".SH SYNOPSIS\n.B flowbench\n.I command\n[\\fIoptions\\fR]\n"
      << ".SH DESCRIPTION\n" << roff(root.get_description())
      << ". A workflow is a JSON graph of handler commands; flowbench runs it sequentially or by dependencies, "
         "profiles every task, compares runs, gates budgets and regressions (same\\-job A/B, rounds until decided), "
         "keeps a history, and writes reports.\n"
      << ".SH COMMANDS\n";
  man_commands(out, root, "");
  out << ".SH EXIT STATUS\n.TP\n.B 0\nsuccess: every task ran, every target met\n"
      << ".TP\n.B 1\na task failed or was skipped; a target failed (not met, not measured, not comparable)\n"
      << ".TP\n.B 2\nbad input: the message names the file, the place and the fix\n"
      << ".TP\n.B 3\n(gate, ab) nothing failed, but a target is undecided: measure more rounds\n"
      << ".TP\n.B 128+N\nstopped by signal N (130 for Ctrl\\-C)\n"
      << ".SH FILES\n.TP\n.B .flowbench/\nruns, the action cache and the history database, beside the spec\n"
      << ".SH SEE ALSO\n.BR flowbench\\-plot (1),\n.BR valgrind (1)\n";
}

}  // namespace

void add_docs_commands(CLI::App& app, int& exit_status) {
  auto* completion = app.add_subcommand("completion", "Print a shell completion script (bash), e.g. flowbench "
                                                      "completion bash > /etc/bash_completion.d/flowbench");
  auto shell = std::make_shared<std::string>();
  completion->add_option("shell", *shell, "The shell: bash")->required()->check(CLI::IsMember({"bash"}));
  completion->callback([&app, &exit_status, shell] {
    write_completion(std::cout, app);
    exit_status = 0;
  });
  auto* man = app.add_subcommand("man", "Print the man page (roff), written from the command line's own help");
  man->group("");  // hidden: the install rule uses it
  man->callback([&app, &exit_status] {
    write_man(std::cout, app);
    exit_status = 0;
  });
}

}  // namespace flowbench::cli
