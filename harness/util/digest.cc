#include "util/digest.h"

#include <openssl/evp.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>

namespace flowbench {

struct Hasher::State {
  EVP_MD_CTX* context = nullptr;
};

Hasher::Hasher() : state_(std::make_unique<State>()) {
  state_->context = EVP_MD_CTX_new();
  if (!state_->context || EVP_DigestInit_ex(state_->context, EVP_sha256(), nullptr) != 1) {
    std::fprintf(stderr, "flowbench: OpenSSL could not start a SHA-256 digest\n");
    std::abort();
  }
}

Hasher::~Hasher() { EVP_MD_CTX_free(state_->context); }

void Hasher::update(std::string_view bytes) {
  EVP_DigestUpdate(state_->context, bytes.data(), bytes.size());
}

void Hasher::field(std::string_view tag, std::string_view value) {
  // tag, NUL, 8-byte little-endian length, bytes.
  update(tag);
  update(std::string_view("\0", 1));
  std::uint64_t length = value.size();
  char encoded[8];
  for (int i = 0; i < 8; ++i) encoded[i] = static_cast<char>((length >> (8 * i)) & 0xff);
  update(std::string_view(encoded, 8));
  update(value);
}

std::string Hasher::hex_digest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(state_->context, digest, &size);
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  hex.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xf]);
  }
  return hex;
}

Expected<std::string> file_digest(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"cannot read " + path.string() + ": " + std::strerror(errno)};
  Hasher hasher;
  char buffer[1 << 16];
  while (in) {
    in.read(buffer, sizeof buffer);
    hasher.update(std::string_view(buffer, static_cast<std::size_t>(in.gcount())));
  }
  if (in.bad()) return Error{"error reading " + path.string()};
  return hasher.hex_digest();
}

std::string text_digest(std::string_view text) {
  Hasher hasher;
  hasher.update(text);
  return hasher.hex_digest();
}

}  // namespace flowbench
