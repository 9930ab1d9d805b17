#!/usr/bin/env python3
"""A real change to Task 8's generated code: the message template includes <limits> and checks
sizes against std::numeric_limits. Every one of the 42 message units then costs the compiler
more (the header and its instantiations).
  slow_message_template.py templates/message.cc.mustache"""
import sys

path = sys.argv[1]
text = open(path).read()
text = text.replace('#include "message/{{snake}}.h"\n', '#include "message/{{snake}}.h"\n\n#include <limits>\n', 1)
old = "  if (at < 0 || at + size > capacity) return -1;"
if old not in text:
    sys.exit("the template changed: update tests/support/slow_message_template.py")
text = text.replace(old, "  if (at < 0 || size > std::numeric_limits<int>::max() - at || at + size > capacity) return -1;")
open(path, "w").write(text)
