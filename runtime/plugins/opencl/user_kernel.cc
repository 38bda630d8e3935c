#include "user_kernel.hh"

#include <cctype>
#include <cerrno>
#include <charconv>

#include "binary_validate.hh"

namespace vaccel_ocl {

KernelLaunch parse_kernel_symbol(std::string_view s) {
  KernelLaunch l;
  const size_t at = s.find('@');
  l.kernel = std::string(s.substr(0, at));
  if (l.kernel.empty()) throw OclError(EINVAL, "kernel name is empty");
  for (char c : l.kernel)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_'))
      throw OclError(EINVAL, "kernel name '" + l.kernel + "' is not an identifier");
  if (at == std::string_view::npos) return l;

  std::string_view dims = s.substr(at + 1);
  while (true) {
    if (l.dims == 3) throw OclError(EINVAL, "'" + std::string(s) + "': at most 3 dimensions");
    size_t v = 0;
    auto [p, ec] = std::from_chars(dims.data(), dims.data() + dims.size(), v);
    if (ec != std::errc() || p == dims.data())
      throw OclError(EINVAL, "'" + std::string(s) + "': bad global size");
    l.global[l.dims++] = v;
    dims.remove_prefix(static_cast<size_t>(p - dims.data()));
    if (dims.empty()) break;
    if (dims.front() != 'x')
      throw OclError(EINVAL, "'" + std::string(s) + "': sizes are separated by 'x'");
    dims.remove_prefix(1);
  }
  return l;
}

bool looks_like_source(std::string_view name, std::span<const std::uint8_t> bytes) {
  if (name.size() >= 3 && name.substr(name.size() - 3) == ".cl") return true;
  if (detect_binary_format(bytes) != BinaryFormat::Unknown) return false;
  for (std::uint8_t c : bytes)
    if (c == 0 || (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != '\v'))
      return false;
  return !bytes.empty();
}

}  // namespace vaccel_ocl
