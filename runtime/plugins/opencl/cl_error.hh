// OpenCL error handling for the vAccel OpenCL plugin.
//
// Every failing OpenCL call is turned into an OclError that carries a vAccel
// error code (an errno value, as vAccel's VACCEL_E* constants are) and a
// message that names the failing call and the OpenCL error by name, e.g.
// "clBuildProgram: CL_BUILD_PROGRAM_FAILURE (-11): <build log>".
// The plugin adapter catches OclError at the C boundary and returns the code;
// exceptions never cross into the runtime.
#pragma once

#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>

#include <stdexcept>
#include <string>

namespace vaccel_ocl {

// The symbolic name of an OpenCL status code ("CL_INVALID_BINARY"), or
// "CL_UNKNOWN_ERROR" for values the headers do not define.
const char *cl_error_name(cl_int err);

// vAccel code (errno value) for an OpenCL status:
//   device missing/unavailable          -> ENODEV
//   out of host/device memory/resources -> ENOMEM
//   bad program binary / build failure  -> ELIBBAD (the "library" is unusable)
//   unknown kernel name                 -> ENOENT
//   invalid arguments / sizes           -> EINVAL
//   anything else                       -> EIO (the driver failed)
int cl_error_to_errno(cl_int err);

class OclError : public std::runtime_error {
 public:
  OclError(int code, const std::string &msg) : std::runtime_error(msg), code_(code) {}
  int code() const noexcept { return code_; }

 private:
  int code_;
};

// Throws OclError when err != CL_SUCCESS; `what` names the call.
void cl_check(cl_int err, const char *what);

// Builds the message used by cl_check (exposed for tests and for callers that
// append detail such as a build log).
std::string cl_error_message(cl_int err, const char *what);

}  // namespace vaccel_ocl
