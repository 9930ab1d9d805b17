# Writes a C++ source defining the bytes of INPUT as `extern const char NAME[]` (NUL-ended)
# and `extern const std::size_t NAME_size`, in namespace flowbench::vendor.
#   cmake -DINPUT=file -DOUTPUT=file.cc -DNAME=kName -P embed.cmake
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR size "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
string(REGEX REPLACE "(('\\\\x[0-9a-f][0-9a-f]',){24})" "\\1\n" bytes "${bytes}")
file(WRITE "${OUTPUT}.tmp" "// Generated from ${INPUT} by embed.cmake; do not edit.\n#include <cstddef>\nnamespace flowbench::vendor {\nextern const char ${NAME}[] = {\n${bytes}'\\0'};\nextern const std::size_t ${NAME}_size = ${size};\n}  // namespace flowbench::vendor\n")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
