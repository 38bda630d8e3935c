// Semantic validation of REQ_RUN arguments, per operation (spec §14).
//
// An accelerator plugin trusts the sizes it is given (a GEMM reads m*k floats
// from A). The guest chooses both the sizes and the buffers, so before any
// call the engine proves that every byte the operation will touch lies inside
// the argument regions the guest supplied. This table is that proof.
#pragma once

#include "iov.hh"
#include "request.hh"
#include "runtime.hh"
#include "status.hh"

namespace va {

// Checks argument counts and sizes of `req` for its op and decodes the
// op's parameter block / strings into `call`. `strings` receives copies of
// string arguments (library path, symbol) so they are read from guest memory
// once. The number of leading inputs consumed that way is returned in
// *consumed_in (they are not passed to the runtime as ArgBufs).
Status check_op_args(const Request &req, const IovView &rd, OpCall *call,
                     char (*strings)[kMaxStringLen + 1], uint32_t *consumed_in);

// Minimum element alignment each data argument of `op` needs in host memory
// (so misaligned guest buffers are gathered into aligned scratch).
uint32_t op_alignment(uint32_t op);

}  // namespace va
