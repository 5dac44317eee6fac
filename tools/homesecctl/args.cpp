// homesecctl's command line on CLI11: one subcommand per verb (user and watch have theirs), built
// from the table in verbs.cpp, so every verb has a --help listing its options. CLI11 finds the
// verb and collects its words; args_check.cpp then checks them. CLI11 reports errors by throwing:
// ParseCtlArgs catches them all and answers with one line, as the hand parser it replaced did
// ("unknown option --verbose", "--last needs a value", "--force does not apply to this command").
#include "tools/homesecctl/args.hpp"

#include <CLI/CLI.hpp>

#include <map>
#include <memory>

#include "daemon/config_reader.hpp"
#include "rules/text.hpp"
#include "tools/homesecctl/args_check.hpp"
#include "tools/homesecctl/verbs.hpp"

namespace homesec {
namespace {

constexpr const char* kTopFooter =
    "Run 'homesecctl VERB --help' for a verb's options. --config and --json go before or after\n"
    "the verb.\n"
    "\n"
    "exit status: 0 ok, 1 refused (walk-test: or zones never seen or seen one way only), 2 usage\n"
    "or config error, 3 homesecd unreachable";

// CLI11's help, but a verb's hidden positional (the words it takes when it needs none) is not
// shown in its usage line.
class CtlFormatter : public CLI::Formatter {
 public:
  std::string make_usage(const CLI::App* app, std::string name) const override {
    std::string usage = "Usage: " + name;
    if (!app->get_options([](const CLI::Option* o) { return o->nonpositional(); }).empty()) {
      usage += " [OPTIONS]";
    }
    for (const CLI::Option* positional : app->get_options(
             [](const CLI::Option* o) { return o->get_positional() && !o->get_group().empty(); })) {
      usage += " " + make_option_usage(positional);
    }
    if (!app->get_subcommands({}).empty()) usage += " [SUBCOMMAND]";
    return usage + "\n";
  }
};

// The command line as CLI11 objects, and which verb each subcommand is.
struct Cli {
  std::unique_ptr<CLI::App> app;
  std::map<const CLI::App*, const CtlVerbSpec*> verbs;
  std::map<std::string, CLI::App*> groups;  // "user", "watch": verbs that only hold verbs
  CLI::App* help = nullptr;                 // `homesecctl help [VERB]`
};

void AddOption(CLI::App& app, const CtlOptionSpec& spec) {
  const std::string help = spec.help;  // a const lvalue: CLI11's overload for a description
  if (spec.value == nullptr) {
    // No "--json=yes": a flag takes no value (CLI11 would read it as true or false).
    app.add_flag(spec.name, help)->disable_flag_override();
  } else {
    app.add_option(spec.name, help)->type_name(spec.value);
  }
}

// Every verb takes positional words, even those that need none, so that each verb says itself
// what is wrong with them ("pair: unexpected argument 'x'").
void AddOperands(CLI::App& app, const CtlVerbSpec& spec) {
  const std::string help = spec.operands_help ? spec.operands_help : "";
  CLI::Option* operands = app.add_option(spec.operands ? spec.operands : "ARGS", help)
                              ->expected(0, -1)
                              ->allow_extra_args();   // all of them, however many
  if (spec.operands == nullptr) operands->group("");  // hidden from --help
}

Cli BuildCli() {
  Cli cli;
  cli.app = std::make_unique<CLI::App>(
      "homesecctl: the resident's and installer's command line for homesecd", "homesecctl");
  CLI::App& app = *cli.app;
  // Each verb's options are collected raw; args_check.cpp reads the last value (or all of
  // --type's) and checks it.
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  auto formatter = std::make_shared<CtlFormatter>();
  formatter->column_width(34);
  app.formatter(formatter);      // before the subcommands: they take it when they are made
  app.require_subcommand(0, 1);  // a word after the verb is never a second verb
  app.allow_extras();            // what no verb takes is reported here, in our words
  for (const CtlOptionSpec& option : CtlGlobalOptions()) AddOption(app, option);
  for (const CtlVerbSpec& spec : CtlVerbSpecs()) {
    const std::string path = spec.path;
    CLI::App* parent = &app;
    std::string name = path;
    if (const std::size_t space = path.find(' '); space != std::string::npos) {
      const std::string group = path.substr(0, space);
      name = path.substr(space + 1);
      CLI::App*& holder = cli.groups[group];
      if (holder == nullptr) {
        holder = app.add_subcommand(group, group == "user" ? "users: add, list, remove"
                                                           : "the vacant-house watch: start, "
                                                             "show, extend, cancel");
        holder->fallthrough()->require_subcommand(0, 1);
      }
      parent = holder;
    }
    CLI::App* verb = parent->add_subcommand(name, spec.help);
    verb->fallthrough();  // --config and --json after the verb
    if (*spec.footer != '\0') verb->footer(spec.footer);
    AddOperands(*verb, spec);
    for (const CtlOptionSpec& option : spec.options) AddOption(*verb, option);
    cli.verbs[verb] = &spec;
  }
  cli.help = app.add_subcommand("help", "this help, or a verb's: help VERB");
  cli.help->fallthrough();
  const std::string verb_help = "the verb, as in the list above";
  cli.help->add_option("VERB", verb_help)->expected(0, -1)->allow_extra_args();
  // Last: a subcommand takes its parent's footer when it is made.
  app.footer(kTopFooter);
  return cli;
}

// The hand parser took a verb's options before the verb too ("homesecctl --force arm away",
// "homesecctl user --pin-stdin add bob"); CLI11 takes them only after it. Moves such options
// (with their values) behind the verb's words; the global ones stay where they are.
std::vector<std::string> VerbOptionsAfterVerb(const Cli& cli,
                                              const std::vector<std::string>& argv) {
  std::vector<std::string> words;
  std::vector<std::string> moved;
  std::size_t i = 0;
  bool group = false;  // the verb so far is "user" or "watch": one more word to come
  for (; i < argv.size(); ++i) {
    const std::string& word = argv[i];
    if (!word.starts_with("--") || word == "--") {  // a word of the verb
      words.push_back(word);
      if (group || !cli.groups.contains(word)) break;
      group = true;
      continue;
    }
    const std::string name = word.substr(0, word.find('='));
    std::vector<std::string>& to = cli.app->get_option_no_throw(name) ? words : moved;
    to.push_back(word);
    const CtlOptionSpec* spec = FindCtlOption(name);
    if (spec && spec->value && name == word && i + 1 < argv.size()) to.push_back(argv[++i]);
  }
  if (i < argv.size()) words.insert(words.end(), argv.begin() + std::ptrdiff_t(i) + 1, argv.end());
  words.insert(words.end(), moved.begin(), moved.end());
  return words;
}

// "--since=": CLI11 would take the next word as the value; the hand parser said it was missing.
std::string EmptyValueError(const std::vector<std::string>& words) {
  for (const std::string& word : words) {
    if (!word.starts_with("--") || !word.ends_with("=")) continue;
    const std::string name = word.substr(0, word.size() - 1);
    const CtlOptionSpec* spec = FindCtlOption(name);
    if (spec && spec->value) return name + " needs a value";
  }
  return "";
}

std::string UnknownCommand(const std::string& word) {
  std::vector<std::string> verbs;
  for (const CtlVerbSpec& spec : CtlVerbSpecs()) {
    const std::string verb = std::string(spec.path).substr(0, std::string(spec.path).find(' '));
    if (verbs.empty() || verbs.back() != verb) verbs.push_back(verb);
  }
  return "unknown command '" + PrintableText(word, 40) + "' (" + JoinAlternatives(verbs) + ")";
}

// What is wrong with a word no verb took: an option of another verb, an unknown option, or a
// positional word.
std::string ExtraWordError(const std::string& word) {
  if (!word.starts_with("-")) return "unexpected argument '" + PrintableText(word, 40) + "'";
  const std::string name = word.substr(0, word.find('='));
  if (FindCtlOption(name)) return name + " does not apply to this command";
  return "unknown option " + PrintableText(name, 40);
}

// CLI11's own errors, in the words the rest of homesecctl uses. Its messages start with the
// option's name ("--last: 1 required TEXT missing", "--json was given a disallowed flag
// override").
std::string ParseErrorText(const CLI::ParseError& error) {
  const std::string what = error.what();
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&error) != nullptr) {
    std::string name = what.substr(0, what.find_first_of(": "));
    if (!name.starts_with("-")) name = "--" + name;  // a flag's is named without its dashes
    if (const CtlOptionSpec* spec = FindCtlOption(name)) {
      return name + (spec->value ? " needs a value" : " takes no value");
    }
  }
  return PrintableText(what, 200);
}

// The deepest verb CLI11 selected (the top app when none).
const CLI::App* Selected(const CLI::App& app) {
  const CLI::App* selected = &app;
  while (!selected->get_subcommands().empty()) selected = selected->get_subcommands().front();
  return selected;
}

std::vector<std::string> Operands(const CLI::App& verb) {
  for (const CLI::Option* option : verb.get_options()) {
    if (option->get_positional()) return option->results();
  }
  return {};
}

CtlWords WordsOf(const CLI::App& app, const CLI::App& verb, CtlCommand command) {
  CtlWords words;
  words.command = command;
  words.operands = Operands(verb);
  for (const CLI::App* from : {&app, &verb}) {
    for (const CLI::Option* option : from->get_options()) {
      if (option->get_positional() || option->count() == 0 || option == from->get_help_ptr()) {
        continue;
      }
      const std::string name = option->get_name();
      const std::vector<std::string>& results = option->results();
      const CtlOptionSpec* spec = FindCtlOption(name);
      if (spec == nullptr || spec->value == nullptr || results.empty()) {
        words.options[name] = "";
      } else if (name == "--type") {  // repeatable: the types add up, as a comma list does
        std::string joined;
        for (const std::string& value : results) joined += (joined.empty() ? "" : ",") + value;
        words.options[name] = joined;
      } else {
        words.options[name] = results.back();
      }
    }
  }
  return words;
}

CtlParseResult Help(std::string usage) {
  CtlArgs args;
  args.command = CtlCommand::kHelp;
  return CtlParseResult{args, "", std::move(usage)};
}

CtlParseResult Failure(std::string error, std::string usage) {
  return CtlParseResult{std::nullopt, std::move(error), std::move(usage)};
}

// The list of verbs (App::help() would show the selected verb's help instead).
std::string TopHelp(const CLI::App& app) {
  return app.get_formatter()->make_help(&app, app.get_name(), CLI::AppFormatMode::Normal);
}

// `homesecctl help [VERB]`: the verb's help, found by its words ("user add").
CtlParseResult HelpVerb(const Cli& cli, const std::vector<std::string>& words) {
  if (words.empty()) return Help(TopHelp(*cli.app));
  const CLI::App* at = cli.app.get();
  std::string prev;
  for (const std::string& word : words) {
    const CLI::App* next = nullptr;
    for (const CLI::App* sub : at->get_subcommands({})) {
      if (sub->get_name() == word) next = sub;
    }
    if (next == nullptr) return Failure(UnknownCommand(word), TopHelp(*cli.app));
    prev += (prev.empty() ? "" : " ") + at->get_name();
    at = next;
  }
  return Help(at->help(prev));
}

CtlParseResult Parse(const Cli& cli, const std::vector<std::string>& argv) {
  CLI::App& app = *cli.app;
  const std::vector<std::string> words = VerbOptionsAfterVerb(cli, argv);
  if (const std::string error = EmptyValueError(words); !error.empty()) {
    return Failure(error, app.help());
  }
  std::vector<std::string> reversed(words.rbegin(), words.rend());  // as CLI11 reads them
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    return Help(app.help());
  } catch (const CLI::ParseError& error) {
    return Failure(ParseErrorText(error), app.help());
  }
  const CLI::App* selected = Selected(app);
  const std::vector<std::string> extras = app.remaining(true);
  if (selected == &app) {  // no verb
    for (const std::string& word : extras) {
      if (!word.starts_with("-")) return Failure(UnknownCommand(word), app.help());
    }
    if (!extras.empty()) return Failure(ExtraWordError(extras.front()), app.help());
    return Help(app.help());
  }
  if (selected == cli.help) return HelpVerb(cli, Operands(*selected));
  for (const auto& [group, holder] : cli.groups) {
    if (selected != holder) continue;
    std::vector<std::string> subs;
    for (const CLI::App* sub : holder->get_subcommands({})) subs.push_back(sub->get_name());
    for (const std::string& word : extras) {
      if (word.starts_with("-")) continue;
      return Failure(group + ": unknown subcommand '" + PrintableText(word, 40) + "' (" +
                         JoinAlternatives(subs) + ")",
                     app.help());
    }
    return Failure(group + ": missing subcommand (" + JoinAlternatives(subs) + ")", app.help());
  }
  if (!extras.empty()) return Failure(ExtraWordError(extras.front()), app.help());
  CtlParseResult result = CheckCtlWords(WordsOf(app, *selected, cli.verbs.at(selected)->command));
  if (!result.args) result.usage = app.help();
  return result;
}

}  // namespace

CtlParseResult ParseCtlArgs(const std::vector<std::string>& argv) {
  // Everything typed here may end up in a JSON request, which must be UTF-8.
  for (std::size_t i = 0; i < argv.size(); ++i) {
    if (!IsValidUtf8(argv[i])) {
      return Failure("argument " + std::to_string(i + 1) + " ('" + PrintableText(argv[i], 40) +
                         "') is not valid UTF-8 text",
                     "");
    }
  }
  try {
    const Cli cli = BuildCli();
    CtlParseResult result = Parse(cli, argv);
    if (result.usage.empty()) result.usage = cli.app->help();
    return result;
  } catch (const CLI::Error& error) {  // a mistake in the table (a name given twice)
    return Failure(PrintableText(error.what(), 200), "");
  }
}

}  // namespace homesec
