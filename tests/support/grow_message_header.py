#!/usr/bin/env python3
"""A real change that adds about 2% to Task 8's template stage and nothing else: the message
header template lists each field in a comment (rendered once per field of each of the 42
messages; measured +2.07% instructions of BM_Task8Sample/template under valgrind).
  grow_message_header.py templates/message.h.mustache"""
import sys

path = sys.argv[1]
text = open(path).read()
old = "// Message {{name}}: {{field_count}} fields.\n"
if old not in text:
    sys.exit("the template changed: update tests/support/grow_message_header.py")
text = text.replace(old, old + "{{#fields}}\n//   {{name}}: {{cpp_type}}\n{{/fields}}\n", 1)
open(path, "w").write(text)
