// vaccel-opencl-compile: build OpenCL C for the selected device and write the
// device binary (CL_PROGRAM_BINARIES), like an FPGA vendor's offline
// compiler. With no source argument it compiles the plugin's built-in kernels
// with the options the plugin uses, producing the file that
// VACCEL_OPENCL_KERNELS_BINARY expects.
//   vaccel-opencl-compile OUT [SOURCE.cl [BUILD OPTIONS...]]
// The device comes from VACCEL_OPENCL_DEVICE_TYPE / _PLATFORM / _DEVICE.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include "binary_validate.hh"
#include "cl_ops.hh"

int main(int argc, char **argv) {
  using namespace vaccel_ocl;
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s OUT [SOURCE.cl [BUILD OPTIONS...]]\n", argv[0]);
    return 2;
  }
  try {
    ClRuntime rt(parse_device_spec([](const char *v) { return std::getenv(v); }));
    ClOps ops(rt);
    cl_program prog;
    if (argc >= 3) {
      std::ifstream in(argv[2], std::ios::binary);
      if (!in) throw OclError(ENOENT, std::string("cannot open ") + argv[2]);
      std::string src{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
      std::string opts;
      for (int i = 3; i < argc; ++i) opts += std::string(i > 3 ? " " : "") + argv[i];
      prog = rt.program_from_source(src, opts);
    } else {
      std::lock_guard g(rt.lock());
      prog = ops.builtin_program();
    }
    std::vector<std::uint8_t> bin = rt.program_binary(prog);
    BinaryCheck c = validate_binary_structure(bin);
    std::ofstream out(argv[1], std::ios::binary);
    out.write(reinterpret_cast<const char *>(bin.data()), static_cast<std::streamsize>(bin.size()));
    if (!out) throw OclError(EIO, std::string("cannot write ") + argv[1]);
    std::printf("%s: %zu bytes, %s container%s, for '%s'\n", argv[1], bin.size(),
                binary_format_name(c.format),
                c.ok ? "" : (" (validator: " + c.reason + ")").c_str(),
                rt.device().device_name.c_str());
    return 0;
  } catch (const OclError &e) {
    std::fprintf(stderr, "vaccel-opencl-compile: %s\n", e.what());
    return 1;
  }
}
